/**
 * Postgres' COPY writes CSV records ending in LF; an export's records end in CRLF (RFC 4180, as
 * export-format.ts writes them). This turns each record's LF into CRLF over a stream of chunks,
 * leaving line breaks inside quoted cells as they are: a quote toggles "inside a quoted cell" (a
 * doubled quote toggles twice), and the state carries from one chunk to the next. Pure, so it is
 * tested on its own.
 */
export function crlfRecords(): (chunk: Uint8Array) => Uint8Array {
  const QUOTE = 0x22;
  const LF = 0x0a;
  const CR = 0x0d;
  let quoted = false;
  return (chunk) => {
    // First pass: how many record ends the chunk holds (the output's size).
    let ends = 0;
    let inside = quoted;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) inside = !inside;
      else if (byte === LF && !inside) ends++;
    }
    if (ends === 0) {
      quoted = inside;
      return chunk;
    }
    const out = new Uint8Array(chunk.length + ends);
    let from = 0;
    let to = 0;
    inside = quoted;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) inside = !inside;
      else if (byte === LF && !inside) {
        out.set(chunk.subarray(from, i), to);
        to += i - from;
        out[to++] = CR;
        from = i; // the LF itself is copied with the next run
      }
    }
    out.set(chunk.subarray(from), to);
    quoted = inside;
    return out;
  };
}
