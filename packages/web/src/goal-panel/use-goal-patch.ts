import { type GoalPatchInput, goalClear, goalUpdate } from "@pursuit/sdk";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";
import { useApiAction } from "../api/use-api-action.js";

/** Changes to a session's goal, one at a time, with the API's error (and its field) when one is refused. */
export function useGoalPatch(sessionID: string) {
  const { client } = useApi();
  const { pending, error, run } = useApiAction();
  return {
    pending,
    error,
    patch: (body: GoalPatchInput) => run(() => unwrap(goalUpdate({ client, path: { id: sessionID }, body }) as never)),
    clear: () => run(() => unwrap(goalClear({ client, path: { id: sessionID } }) as never)),
  };
}
