// Puts the API's own error on a form: its message at the top of the form, and each `details[].path`
// next to the input of that name (aria-invalid, described by the message), so the user sees which
// field is wrong in the server's words. The page has no validation rules of its own to drift.
import { ApiError } from './api.js';

/** Removes every error shown on the form. */
export function clearFormErrors(form: HTMLFormElement): void {
  for (const line of form.querySelectorAll<HTMLElement>('.field-error, .form-error')) {
    line.textContent = '';
    line.hidden = true;
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/**
 * Shows an error thrown by an API call on the form.
 *
 * @example
 * try { await call('POST', '/users/me/password', body); } catch (error) { showFormError(form, error); }
 */
export function showFormError(form: HTMLFormElement, error: unknown): void {
  clearFormErrors(form);
  const message = error instanceof Error ? error.message : String(error);
  const formLine = form.querySelector<HTMLElement>('.form-error');
  if (formLine) {
    formLine.textContent = message;
    formLine.hidden = false;
  }
  if (!(error instanceof ApiError)) return;
  for (const detail of error.details) {
    const line = form.querySelector<HTMLElement>(`.field-error[data-error-for="${CSS.escape(detail.path)}"]`);
    if (!line) continue;
    line.textContent = line.textContent ? `${line.textContent}; ${detail.message}` : detail.message;
    line.hidden = false;
    form.querySelector(`[name="${CSS.escape(detail.path)}"]`)?.setAttribute('aria-invalid', 'true');
    if (formLine && detail.message === message) formLine.hidden = true; // said once, beside its field
  }
}

/** The form's named inputs as a JSON body; empty fields are sent empty, for the API to name them. */
export function formBody(form: HTMLFormElement): Record<string, string> {
  const body: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') body[name] = value;
  return body;
}
