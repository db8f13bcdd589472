import { describe, expect, it } from "vitest";

import { checkLimit, limitFor } from "./limits";

const free = {
  max_records_per_month: 500,
  max_storage_gb: 1,
  max_ai_tokens_per_month: 20000,
  max_api_calls_per_month: null,
};

describe("plan limits", () => {
  it("reads limits in the metric's unit; null or missing is unlimited", () => {
    expect(limitFor("record_created", free)).toBe(500);
    expect(limitFor("storage_used", free)).toBe(1024 ** 3);
    expect(limitFor("api_call", free)).toBeNull();
    expect(limitFor("user_active", free)).toBeNull();
    expect(limitFor("record_created", null)).toBeNull();
  });

  it("is ok below 80%, warns from 80%, and is exceeded at 100%", () => {
    expect(checkLimit("record_created", 399, free).status).toBe("ok");
    expect(checkLimit("record_created", 400, free)).toMatchObject({ status: "warning", ratio: 0.8 });
    expect(checkLimit("record_created", 499, free).status).toBe("warning");
    expect(checkLimit("record_created", 500, free)).toMatchObject({ status: "exceeded", ratio: 1 });
    expect(checkLimit("api_call", 1e9, free)).toMatchObject({
      status: "unlimited",
      ratio: null,
      limit: null,
    });
  });

  it("refuses what would pass the limit, not what would reach it", () => {
    expect(checkLimit("record_created", 499, free, 1).status).toBe("warning");
    expect(checkLimit("storage_used", 1024 ** 3 - 10, free, 10).status).toBe("warning");
    expect(checkLimit("storage_used", 1024 ** 3 - 10, free, 11).status).toBe("exceeded");
  });

  it("treats a zero limit as closed", () => {
    expect(checkLimit("record_created", 0, { max_records_per_month: 0 }, 1).status).toBe("exceeded");
  });
});
