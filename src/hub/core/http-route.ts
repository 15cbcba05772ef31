import type { Step } from './step.js';

export type Body = Record<string, unknown>;

export interface Answer {
  status: number;
  body: Body;
  /** What the request sets off once its answer is out (a scheduling pass, the reset). */
  after?: () => void;
}

export interface RouteContext {
  step: Step;
  /** The caller's agent_id (`''` on the unauthenticated route). */
  caller: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface Route {
  method: string;
  /** Path segments; `:x` matches any one segment. */
  segments: string[];
  auth: boolean;
  /** Only these routes read a JSON body; the others ignore whatever is sent. */
  body?: true;
  handle(ctx: RouteContext): Answer;
}

export const ok = (body: Body): Answer => ({ status: 200, body });
