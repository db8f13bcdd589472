import { describe, expect, it } from "vitest";

import { crlfRecords } from "./csv-line-endings";
import { csvChunk, type Cell } from "./export-format";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Runs the converter over `text` cut into chunks at the given byte offsets. */
function convert(text: string, cuts: number[] = []): string {
  const bytes = encoder.encode(text);
  const toCrlf = crlfRecords();
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(toCrlf(bytes.subarray(from, cut)));
    from = cut;
  }
  return out.map((part) => decoder.decode(part, { stream: true })).join("") + decoder.decode();
}

/** What COPY … (format csv) writes for rows the app's writer would write: LF after each record. */
function asCopyWrites(rows: Cell[][]): string {
  return rows.map((row) => csvChunk([row]).slice(0, -2) + "\n").join("");
}

describe("CSV record ends from COPY", () => {
  it("turns each record's LF into CRLF and leaves line breaks inside quoted cells alone", () => {
    expect(convert('a,b\n"x\ny","say ""hi""\n"\nz,1\n')).toBe('a,b\r\n"x\ny","say ""hi""\n"\r\nz,1\r\n');
    expect(convert("")).toBe("");
    expect(convert("no end")).toBe("no end");
  });

  it("keeps its place across chunks, whatever byte a chunk ends on", () => {
    const copy = 'id,"multi\nline, ""quoted""\n",ünï\n2,"",\n3,"\n\n",x\n';
    const expected = convert(copy);
    expect(expected).toBe('id,"multi\nline, ""quoted""\n",ünï\r\n2,"",\r\n3,"\n\n",x\r\n');
    const length = encoder.encode(copy).length;
    for (let cut = 0; cut <= length; cut++) expect(convert(copy, [cut]), `cut at ${cut}`).toBe(expected);
    expect(
      convert(
        copy,
        Array.from({ length }, (_, i) => i),
      ),
    ).toBe(expected);
  });

  it("gives the app's own CSV for random rows of hostile text", () => {
    const alphabet = ["a", ",", '"', "\n", "\r", "=", "-", " ", "é", "\u2028", "\t", '""'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows: Cell[][] = Array.from({ length: 300 }, () =>
      Array.from({ length: 4 }, () =>
        random() < 0.2
          ? Math.floor(random() * 1000) - 500
          : Array.from(
              { length: Math.floor(random() * 8) },
              () => alphabet[Math.floor(random() * alphabet.length)],
            ).join(""),
      ),
    );
    const copy = asCopyWrites(rows);
    const cuts = [1, 17, 400, 401, 2000].filter((cut) => cut < encoder.encode(copy).length);
    expect(convert(copy, cuts)).toBe(csvChunk(rows));
  });
});
