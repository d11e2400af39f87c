/**
 * The API's errors as the dashboard shows them: at their field (the API's "field: " prefix left
 * off, the label says it), or for the whole form; and a short announced status line.
 */
import { ApiError } from '../api';

export interface FieldProblem {
  field: string | null;
  message: string;
}

/** The API's error as a problem at a field (its "field: " prefix left off, the label says it). */
export function problemOf(error: unknown, fallback: string): FieldProblem {
  if (!(error instanceof ApiError)) return { field: null, message: fallback };
  const prefix = error.field ? `${error.field}: ` : '';
  const message =
    prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { field: error.field, message };
}

/** The API's message as it is, else the fallback. */
export const messageOf = (error: unknown, fallback: string) =>
  error instanceof ApiError ? error.message : fallback;

/** An error shown at its field, announced; naming the field when a label is given. */
export function FieldError({
  id,
  label,
  problem,
}: {
  id?: string;
  label?: string;
  problem: { message: string } | string | null | undefined;
}) {
  if (!problem) return null;
  const message = typeof problem === 'string' ? problem : problem.message;
  return (
    <p id={id} class="error field-error" role="alert">
      {label ? `${label}: ${message}` : message}
    </p>
  );
}

/** An error of the whole form, announced, naming the field the API named. */
export function FormError({ problem }: { problem: FieldProblem | null }) {
  if (!problem) return null;
  return (
    <p class="error" role="alert">
      {problem.field ? `${problem.field}: ${problem.message}` : problem.message}
    </p>
  );
}

export function Status({ text }: { text: string }) {
  return (
    <p class="settings-status" role="status">
      {text}
    </p>
  );
}
