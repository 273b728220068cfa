/** The SQLSTATE of a PostgreSQL error, whether pg raised it or drizzle wrapped it (as `cause`). */
function sqlState(error: unknown): string | undefined {
  const raised = (error as { cause?: { code?: string }; code?: string } | undefined) ?? {};
  return raised.code ?? raised.cause?.code;
}

/** Two writers inserting the same key at once: the loser retries and sees the winner's row. */
export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === "23505";

/** A row named a parent (a session, a message) that is not there, or no longer. */
export const isForeignKeyViolation = (error: unknown): boolean => sqlState(error) === "23503";
