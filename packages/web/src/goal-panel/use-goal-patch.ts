import { type GoalPatchInput, goalClear, goalUpdate } from "@pursuit/sdk";
import { useState } from "react";
import { useApi } from "../api/api-context.js";
import { type ApiError, ApiRequestError, unwrap } from "../api/api-error.js";

/** Changes to a session's goal, one at a time, with the API's error (and its field) when one is refused. */
export function useGoalPatch(sessionID: string) {
  const { client } = useApi();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function run(request: () => Promise<unknown>): Promise<boolean> {
    setPending(true);
    setError(undefined);
    try {
      await request();
      return true;
    } catch (cause) {
      setError(cause instanceof ApiRequestError ? cause.detail : { code: "error", message: String(cause) });
      return false;
    } finally {
      setPending(false);
    }
  }

  return {
    pending,
    error,
    patch: (body: GoalPatchInput) => run(() => unwrap(goalUpdate({ client, path: { id: sessionID }, body }) as never)),
    clear: () => run(() => unwrap(goalClear({ client, path: { id: sessionID } }) as never)),
  };
}
