/**
 * The core's only source of unpredictability. The hub uses random ids; a
 * simulation passes a seeded or counting source to make runs repeatable.
 */
export interface IdSource {
  /** `task-` followed by 16 lowercase hex characters. */
  taskId(): string;
  /** 64 lowercase hex characters. */
  token(): string;
}
