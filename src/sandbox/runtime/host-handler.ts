/**
 * Running a host's `fetch(request, env)` for the in-page network: what it throws, or returns that is
 * not a Response, is reported and traced as an error and becomes a 500, as in any server framework
 * (the Node wiring records the same two events).
 */
import type { SandboxEnv, SandboxHostModule } from '../contract/sandbox';
import type { Route, TraceRecorder } from '../trace/recorder';
import { OriginalTypeError, isResponse } from './intrinsics';

export interface HostCall {
  /** The host's module as it is now (a restart swaps it). */
  module: SandboxHostModule | undefined;
  env: SandboxEnv;
  recorder: TraceRecorder;
  /** Reports the exception to the sandbox console, labelled with the host. */
  reportError(error: unknown): void;
  /** The Response class host code gets: a 500 made here goes out like a host's own answer. */
  Response: typeof Response;
}

/**
 * The host's answer to `request`, or a 500 after an `error` event when its handler failed.
 *
 * @example
 * const response = await callHost('server', request, { exchange: 'h1', from: 'server', to: 'client' }, call);
 */
export async function callHost(
  host: string,
  request: Request,
  back: Route,
  call: HostCall,
): Promise<Response> {
  try {
    if (!call.module || typeof call.module.fetch !== 'function') {
      throw new TypeError(
        `${host} has no fetch(request) handler: export default { fetch(request) { … } }`,
      );
    }
    const response: unknown = await call.module.fetch(request, call.env);
    if (!isResponse(response)) {
      throw new OriginalTypeError(
        `${host}'s fetch() must return a Response, but it returned ${typeof response}`,
      );
    }
    return response;
  } catch (error) {
    call.reportError(error);
    const message = `${host} threw: ${errorText(error)}`;
    call.recorder.error(back, message);
    // Built like a host's own answer, so its fixed body goes out with a Content-Length.
    return new call.Response('Internal Server Error', {
      status: 500,
      headers: { 'content-type': 'text/plain' },
    });
  }
}

/** An error's message, whatever reader code threw (its getters and `toString` may throw too). */
export function errorText(error: unknown): string {
  try {
    return `${error instanceof Error ? error.message : String(error)}`;
  } catch {
    return 'an error that could not be read';
  }
}
