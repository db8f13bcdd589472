import { describe, expect, it } from "vitest";

import { cn } from "./cn";

describe("cn", () => {
  it("joins class names and skips falsy ones", () => {
    expect(cn("a", false, null, undefined, "", ["b", { c: true, d: false }])).toBe("a b c");
  });

  it("lets a later Tailwind class override an earlier one of the same utility", () => {
    expect(cn("h-10 px-3 text-sm", "h-9")).toBe("px-3 text-sm h-9");
    expect(cn("bg-brand-600 text-white", "bg-red-600")).toBe("text-white bg-red-600");
    expect(cn("text-slate-500 text-sm", "text-brand-700")).toBe("text-sm text-brand-700");
    expect(cn("border-slate-300", "border-red-500")).toBe("border-red-500");
  });
});
