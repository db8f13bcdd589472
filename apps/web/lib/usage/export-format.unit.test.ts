import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import {
  contentDisposition,
  csvChunk,
  csvHeader,
  exportColumns,
  exportFileName,
  jsonlChunk,
  RAW_JSON_COLUMNS,
  rangeLabel,
  type Cell,
} from "./export-format";

describe("CSV pages", () => {
  it("writes RFC 4180: CRLF records, quotes around commas, quotes and line breaks, doubled quotes", () => {
    const csv =
      csvHeader(["a", "b"]) +
      csvChunk([
        ["x, y", 'say "hi"'],
        ["line\nbreak", 3],
      ]);
    expect(csv).toBe('a,b\r\n"x, y","say ""hi"""\r\n"line\nbreak",3\r\n');
    expect(parse(csv, { columns: true })).toEqual([
      { a: "x, y", b: 'say "hi"' },
      { a: "line\nbreak", b: "3" },
    ]);
  });

  it("neutralises text cells that a spreadsheet would run as a formula, and only those", () => {
    const hostile = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "＝HYPERLINK()", "plain", "a=b"];
    const [row] = parse(csvChunk([hostile]), { relax_quotes: true }) as string[][];
    expect(row).toEqual([
      "'=1+1",
      "'+SUM(A1)",
      "'-2+3",
      "'@cmd",
      "'\tTAB",
      "'\rCR",
      "'＝HYPERLINK()",
      "plain",
      "a=b",
    ]);
  });

  it("leaves numbers as numbers: a negative storage change is not text", () => {
    expect(csvChunk([[-1024, 0, 1.5, "-1024"]])).toBe("-1024,0,1.5,'-1024\r\n");
  });

  it("writes empty cells for missing values and keeps JSON as one cell", () => {
    const json = '{"model": "=HYPERLINK(\\"http://x\\")", "n": 1}';
    const [row] = parse(csvChunk([[null, json]])) as string[][];
    expect(row).toEqual(["", json]);
    expect(JSON.parse(row?.[1] ?? "")).toEqual({ model: '=HYPERLINK("http://x")', n: 1 });
  });

  it("writes nothing for an empty page", () => {
    expect(csvChunk([])).toBe("");
  });
});

describe("JSON Lines pages", () => {
  it("writes one object per line, embedding event_data as JSON, not as a string", () => {
    const columns = exportColumns("raw", []);
    const row: Cell[] = columns.map((column) => (column === "event_data" ? '{"a": [1, "=x"]}' : null));
    row[columns.indexOf("quantity")] = -5;
    row[columns.indexOf("member_name")] = '=evil "name"';
    const [line, rest] = jsonlChunk(columns, [row], RAW_JSON_COLUMNS).split("\n");
    expect(rest).toBe("");
    const parsed = JSON.parse(line ?? "") as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(columns);
    expect(parsed.event_data).toEqual({ a: [1, "=x"] });
    expect(parsed.quantity).toBe(-5);
    expect(parsed.member_name).toBe('=evil "name"');
  });
});

describe("columns", () => {
  it("names units in the roll-up headers and follows the metrics asked for, in order", () => {
    expect(exportColumns("daily", ["api_call", "storage_used", "user_active"])).toEqual([
      "period_start",
      "period_end",
      "org_id",
      "org_name",
      "user_id",
      "member_name",
      "member_email",
      "api_calls",
      "storage_bytes",
      "storage_change_bytes",
      "active_users",
    ]);
    expect(exportColumns("raw", ["api_call"])).toContain("event_data");
  });
});

describe("file names", () => {
  it("name the organization, the scope and the range", () => {
    const start = new Date("2026-11-01T00:00:00Z");
    const end = new Date("2026-12-01T00:00:00Z");
    expect(
      exportFileName({
        org: { id: "aaaaaaaa-0000", name: "Acme Corp" },
        scope: { kind: "org" },
        start,
        end,
        granularity: "daily",
        format: "csv",
      }),
    ).toBe("usage_acme-corp_org_2026-11-01_2026-11-30_daily.csv");
    expect(
      exportFileName({
        org: { id: "aaaaaaaa-0000", name: "Müller & Söhne" },
        scope: { kind: "member", id: "bbbbbbbb-1111", name: '=Bob "Tables"' },
        start,
        end,
        granularity: "raw",
        format: "jsonl",
      }),
    ).toBe("usage_muller-sohne_member-bob-tables_2026-11-01_2026-11-30_raw.jsonl");
    expect(
      exportFileName({
        org: null,
        scope: { kind: "platform" },
        start,
        end,
        granularity: "monthly",
        format: "csv",
      }),
    ).toBe("usage_all-organizations_platform_2026-11-01_2026-11-30_monthly.csv");
    expect(rangeLabel(new Date("2026-11-01T12:30:00.250Z"), end)).toBe("20261101T123000Z_20261201T000000Z");
  });

  it("are safe in Content-Disposition, with the UTF-8 name alongside", () => {
    expect(contentDisposition('usage_a"b_ü.csv')).toBe(
      `attachment; filename="usage_a_b__.csv"; filename*=UTF-8''usage_a%22b_%C3%BC.csv`,
    );
  });
});

describe("the CSV encoder against csv-stringify", () => {
  it("writes exactly what csv-stringify writes with escape_formulas, for hostile and ordinary cells", async () => {
    const { stringify } = await import("csv-stringify/sync");
    const pieces = [
      "",
      "a",
      "-",
      "=",
      "+",
      "@",
      "\t",
      "\r",
      "\n",
      "\r\n",
      ",",
      '"',
      "'",
      " ",
      "ü",
      "𝄞",
      "\uFF1D",
      "\uFF0D",
      "0",
      "1e3",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const rows: Cell[][] = [];
    for (let r = 0; r < 400; r++) {
      const row: Cell[] = [];
      for (let c = 0; c < 6; c++) {
        const kind = random();
        if (kind < 0.1) row.push(null);
        else if (kind < 0.3) row.push(Math.round((random() - 0.5) * 1e6) / (random() < 0.5 ? 1 : 100));
        else {
          let text = "";
          const length = Math.floor(random() * 5);
          for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
          row.push(text);
        }
      }
      rows.push(row);
    }
    const expected = stringify(rows, {
      escape_formulas: true,
      record_delimiter: "\r\n",
      quote_record_delimiter: true,
    });
    expect(csvChunk(rows)).toBe(expected);
  });
});
