/** A write named a row that does not exist (a session, message or part). Reads return undefined instead. */
export class StoreNotFoundError extends Error {
  readonly code = "not_found";
  constructor(
    readonly entity: "session" | "message" | "part",
    readonly id: string,
    /** The input field that carried the unknown id. */
    readonly field: string,
  ) {
    super(`${field}: no ${entity} with id ${id}`);
    this.name = "StoreNotFoundError";
  }
}
