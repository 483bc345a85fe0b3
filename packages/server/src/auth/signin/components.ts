/**
 * Form pieces of the sign-in pages: every input labelled, hints and errors tied to it with
 * aria-describedby, errors in words next to the field (WCAG 3.3.1, 3.3.2).
 */
import { type Html, html } from '../../pages/html.js';
import { CSRF_FIELD } from '../../security/csrf.js';

export interface TextFieldOptions {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value?: string;
  autocomplete: string;
  inputmode?: 'numeric' | 'text';
  maxlength?: number;
  /** Extra class for sizing (e.g. `short` for a day or month). */
  size?: 'short' | 'medium';
  autocapitalize?: 'characters' | 'off';
}

/** A labelled text input with its hint and, when invalid, its error message. */
export function textField(o: TextFieldOptions): Html {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  const errorId = o.error ? `${o.id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  return html`<div class="field${o.error ? ' invalid' : ''}">
<label for="${o.id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}
${o.error ? html`<p class="field-error" id="${errorId}">${o.error}</p>` : ''}
<input type="text" id="${o.id}" name="${o.id}" value="${o.value ?? ''}" autocomplete="${o.autocomplete}"${
    o.inputmode ? html` inputmode="${o.inputmode}"` : ''
  }${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.size ? html` class="${o.size}"` : ''}${
    o.autocapitalize ? html` autocapitalize="${o.autocapitalize}"` : ''
  } spellcheck="false"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

/** The CSRF field every POST form carries (security/csrf.ts). */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** A short message at the top of a form that failed, announced to screen readers. */
export function errorSummary(text: string | undefined): Html | '' {
  return text ? html`<div class="error-summary" role="alert"><p>${text}</p></div>` : '';
}
