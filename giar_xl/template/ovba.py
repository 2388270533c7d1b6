"""MS-OVBA compression (the format of VBA source streams, [MS-OVBA] 2.4.1).

ms-ovba's own compressor (ms_ovba_compression 0.0.x) corrupts every chunk after
the first, which garbles any module longer than 4 KiB (xlwings' standalone
module is 46 KB). This is a straightforward implementation of the documented
algorithm: greedy longest match inside each 4096-byte chunk, copy tokens with
the position-dependent bit split, and raw chunks where compression does not pay.
"""

from __future__ import annotations

CHUNK = 4096


def _split(position: int) -> tuple[int, int, int]:
    """Bit count, length mask and maximum match length at a position in the chunk."""
    bit_count = 4
    while (1 << bit_count) < position:
        bit_count += 1
    length_mask = 0xFFFF >> bit_count
    return bit_count, length_mask, length_mask + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    p, n = 0, len(chunk)
    while p < n:
        flags, flag_at = 0, len(out)
        out.append(0)
        for bit in range(8):
            if p >= n:
                break
            best_len, best_off = 0, 0
            if p >= 1:
                bit_count, _, max_len = _split(p)
                for q in reversed(index.get(chunk[p:p + 3], ())):
                    length = 0
                    limit = min(max_len, n - p)
                    while length < limit and chunk[q + length] == chunk[p + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, p - q
                        if length == limit:
                            break
            if best_len >= 3:
                bit_count, _, _ = _split(p)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[p])
                step = 1
            for k in range(p, p + step):
                index.setdefault(chunk[k:k + 3], []).append(k)
            p += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray([0x01])  # signature byte
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) >= CHUNK and len(chunk) == CHUNK:
            out += (0x3000 | (CHUNK + 2 - 3)).to_bytes(2, "little")  # raw chunk
            out += chunk
        elif len(body) > CHUNK:
            # a short last chunk that does not compress cannot be stored raw (raw chunks
            # hold exactly 4096 bytes); VBA source text always compresses, binary may not
            raise ValueError("incompressible final chunk: not VBA source text")
        else:
            out += (0x8000 | 0x3000 | (len(body) + 2 - 3)).to_bytes(2, "little")
            out += body
    return bytes(out)
