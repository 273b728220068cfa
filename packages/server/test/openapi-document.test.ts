import type { Goal, GoalHistoryEntry, SpendReport } from "@pursuit/core";
import { BaseResolver, createConfig, lintDocument, Source } from "@redocly/openapi-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { type GoalHistoryEntrySchema, type GoalSchema, openApiDocument, type SpendReportSchema } from "../src/index.js";

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

describe("the OpenAPI document", () => {
  const document = openApiDocument() as unknown as Document;

  it("is OpenAPI 3.1", () => {
    expect(document.openapi).toBe("3.1.0");
  });

  it("passes the recommended rules of a standard OpenAPI linter with no error, auth and servers declared", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const source = new Source("openapi.json", JSON.stringify(document), "application/json");
    const problems = await lintDocument({
      document: { source, parsed: document },
      externalRefResolver: new BaseResolver(),
      config,
    });
    const errors = problems.filter((problem) => problem.severity === "error");
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
    expect(
      Object.keys((document as { components: { securitySchemes?: object } }).components.securitySchemes ?? {}),
    ).toEqual(["basicAuth", "bearerAuth"]);
  });

  it("has every route of the design, with an operation id each", () => {
    const expected = [
      "get /event",
      "post /session",
      "get /session",
      "get /session/{id}",
      "delete /session/{id}",
      "post /session/{id}/message",
      "get /session/{id}/message",
      "post /session/{id}/prompt_async",
      "post /session/{id}/abort",
      "get /session/status",
      "get /session/{id}/goal",
      "post /session/{id}/goal",
      "patch /session/{id}/goal",
      "delete /session/{id}/goal",
      "get /session/{id}/goal/history",
      "get /session/{id}/goal/continuation",
      "get /session/{id}/goal/queue",
      "post /session/{id}/goal/queue",
      "put /session/{id}/goal/queue",
      "delete /session/{id}/goal/queue/{queuedID}",
      "get /goal",
      "get /spend",
    ];
    const actual = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => {
        expect(operation.operationId, `${method} ${path}`).toBeTruthy();
        return `${method} ${path}`;
      }),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("names the goal shape exactly as the core defines it", () => {
    const goal = document.components.schemas.Goal;
    expect(Object.keys(goal?.properties ?? {}).sort()).toEqual(
      [
        "id",
        "sessionID",
        "objective",
        "status",
        "reason",
        "limit",
        "ceiling",
        "limits",
        "usage",
        "evidence",
        "verify",
        "wait",
        "quietWakes",
        "maxWaitSeconds",
        "waitForQuota",
        "criteria",
        "webhooks",
        "createdBy",
        "time",
      ].sort(),
    );
    expect(goal?.required?.sort()).toEqual([
      "createdBy",
      "id",
      "limits",
      "objective",
      "sessionID",
      "status",
      "time",
      "usage",
    ]);
    for (const name of [
      "GoalStatus",
      "GoalLimits",
      "GoalUsage",
      "GoalHistoryEntry",
      "ErrorResponse",
      "Event",
      "Session",
    ]) {
      expect(document.components.schemas[name], name).toBeDefined();
    }
  });

  it("types the goal and its history like @pursuit/core", () => {
    // Goal is an intersection (its fields and its settings); compared field by field.
    expectTypeOf<z.infer<typeof GoalSchema>>().toEqualTypeOf<{ [K in keyof Goal]: Goal[K] }>();
    // A union of intersections: equal means each side is assignable to the other.
    expectTypeOf<z.infer<typeof GoalHistoryEntrySchema>>().toExtend<GoalHistoryEntry>();
    expectTypeOf<GoalHistoryEntry>().toExtend<z.infer<typeof GoalHistoryEntrySchema>>();
    expectTypeOf<z.infer<typeof SpendReportSchema>>().toExtend<SpendReport>();
    expectTypeOf<SpendReport>().toExtend<z.infer<typeof SpendReportSchema>>();
  });
});
