import { type SpendReport, spendGet } from "@pursuit/sdk";
import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { unwrap } from "../api/api-error.js";

/** Spend across all goals this UTC day and week, with the ceilings; refreshed by goal events (see use-event-stream). */
export function useSpend() {
  const { client } = useApi();
  return useQuery({
    queryKey: ["spend"],
    queryFn: () => unwrap<SpendReport>(spendGet({ client }) as never),
  });
}
