/**
 * Splits SQL text into statements the way psql does: semicolons end statements except inside
 * quotes ('...', E'...', "..."), dollar quotes ($$...$$, $tag$...$tag$), comments (--, nested
 * /* *\/), parentheses, and the BEGIN ... END body of CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC.
 * Each statement keeps its exact source span, so consecutive statements put back together are the
 * original text.
 */

export interface SqlToken {
  /** Lower-cased for bare words, the unquoted name for "quoted" identifiers, the character otherwise. */
  value: string;
  kind: "word" | "quoted" | "string" | "symbol";
  start: number;
}

export interface SqlStatement {
  /** [start, end) in the source; end is just after the terminating semicolon, or the end of the text. */
  start: number;
  end: number;
  text: string;
  /** Words, identifiers and symbols outside strings and comments; string literals as one token each. */
  tokens: SqlToken[];
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CONT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Index just past the quoted text that opens at `start` (the opening quote), or the text's end. */
function skipQuoted(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (backslashEscapes && ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return text.length;
}

function skipBlockComment(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      depth += 1;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** True when the statement so far reads CREATE [OR REPLACE] FUNCTION|PROCEDURE (psql's heuristic). */
function isRoutineDefinition(words: string[]): boolean {
  const [first, second, third, fourth] = words;
  if (first !== "create") return false;
  if (second === "function" || second === "procedure") return true;
  return second === "or" && third === "replace" && (fourth === "function" || fourth === "procedure");
}

export function splitSqlStatements(text: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let tokens: SqlToken[] = [];
  let words: string[] = [];
  let parenDepth = 0;
  let beginDepth = 0;

  const finish = (end: number): void => {
    statements.push({ start, end, text: text.slice(start, end), tokens });
    start = end;
    tokens = [];
    words = [];
    parenDepth = 0;
    beginDepth = 0;
  };

  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (/\s/.test(ch)) {
      i += 1;
    } else if (text.startsWith("--", i)) {
      const newline = text.indexOf("\n", i);
      i = newline === -1 ? text.length : newline + 1;
    } else if (text.startsWith("/*", i)) {
      i = skipBlockComment(text, i);
    } else if (ch === "'") {
      const end = skipQuoted(text, i, "'", false);
      tokens.push({ value: text.slice(i, end), kind: "string", start: i });
      i = end;
    } else if (ch === '"') {
      const end = skipQuoted(text, i, '"', false);
      tokens.push({ value: text.slice(i + 1, end - 1).replaceAll('""', '"'), kind: "quoted", start: i });
      words.push("");
      i = end;
    } else if (ch === "$" && DOLLAR_TAG.test(text.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(text.slice(i, i + 64))?.[0] ?? "$$";
      const close = text.indexOf(tag, i + tag.length);
      const end = close === -1 ? text.length : close + tag.length;
      tokens.push({ value: text.slice(i, end), kind: "string", start: i });
      i = end;
    } else if (IDENT_START.test(ch)) {
      let end = i + 1;
      while (end < text.length && IDENT_CONT.test(text[end] ?? "")) end += 1;
      // E'...' (backslash escapes), and B'...', X'...', U&'...', N'...' (plain quoting).
      // Postgres folds only ASCII letters of unquoted identifiers.
      const lower = text.slice(i, end).replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
      if (text[end] === "'" && ["e", "b", "x", "n"].includes(lower)) {
        const close = skipQuoted(text, end, "'", lower === "e");
        tokens.push({ value: text.slice(i, close), kind: "string", start: i });
        i = close;
        continue;
      }
      if (lower === "u" && text.startsWith("&'", end)) {
        const close = skipQuoted(text, end + 1, "'", false);
        tokens.push({ value: text.slice(i, close), kind: "string", start: i });
        i = close;
        continue;
      }
      if (lower === "u" && text.startsWith('&"', end)) {
        const close = skipQuoted(text, end + 1, '"', false);
        tokens.push({ value: text.slice(end + 2, close - 1), kind: "quoted", start: i });
        words.push("");
        i = close;
        continue;
      }
      tokens.push({ value: lower, kind: "word", start: i });
      words.push(lower);
      if (parenDepth === 0 && isRoutineDefinition(words)) {
        if (lower === "begin") beginDepth += 1;
        else if (lower === "case" && beginDepth > 0) beginDepth += 1;
        else if (lower === "end" && beginDepth > 0) beginDepth -= 1;
      }
      i = end;
    } else if (/[0-9]/.test(ch)) {
      // Numbers (and the $1 of a parameter, handled by the symbol branch) cannot hold a semicolon.
      let end = i + 1;
      while (end < text.length && /[0-9A-Za-z_.]/.test(text[end] ?? "")) end += 1;
      tokens.push({ value: text.slice(i, end), kind: "symbol", start: i });
      i = end;
    } else if (ch === ";" && parenDepth === 0 && beginDepth === 0) {
      finish(i + 1);
      i += 1;
    } else {
      if (ch === "(") parenDepth += 1;
      else if (ch === ")" && parenDepth > 0) parenDepth -= 1;
      tokens.push({ value: ch, kind: "symbol", start: i });
      i += 1;
    }
  }
  if (start < text.length) finish(text.length);
  return statements;
}

/** True when the statement has something to run besides whitespace and comments. */
export function hasCode(statement: SqlStatement): boolean {
  return statement.tokens.length > 0;
}
