/**
 * Form pieces for the organisation and reviewer pages: every control labelled, its hint and error
 * tied to it with aria-describedby, and one error summary whose entries link to the fields
 * (WCAG 3.3.1, 3.3.3; GOV.UK's error summary pattern). The sign-in pages have their own, smaller set.
 */
import { type Html, html } from './html.js';

/** Field id → the message shown next to it. */
export type FieldErrors = Record<string, string>;

interface BaseField {
  name: string;
  label: string;
  hint?: string | Html;
  errors?: FieldErrors;
  required?: boolean;
}

export interface InputField extends BaseField {
  type?: 'text' | 'email' | 'url' | 'tel' | 'date';
  value?: string | undefined;
  autocomplete?: string;
  maxlength?: number;
  inputmode?: 'numeric' | 'email' | 'url' | 'tel';
  lang?: string;
}

function describedBy(f: BaseField): { attr: Html | ''; error: Html | ''; hint: Html | '' } {
  const error = f.errors?.[f.name];
  const ids = [f.hint ? `${f.name}-hint` : '', error ? `${f.name}-error` : ''].filter(Boolean).join(' ');
  return {
    attr: ids ? html` aria-describedby="${ids}"${error ? html` aria-invalid="true"` : ''}` : '',
    hint: f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint}</p>` : '',
    error: error ? html`<p class="field-error" id="${f.name}-error">${error}</p>` : '',
  };
}

const req = (f: BaseField) => (f.required ? html` required` : '');

export function inputField(f: InputField): Html {
  const d = describedBy(f);
  return html`<div class="field${f.errors?.[f.name] ? ' invalid' : ''}">
<label for="${f.name}">${f.label}</label>${d.hint}${d.error}
<input type="${f.type ?? 'text'}" id="${f.name}" name="${f.name}" value="${f.value ?? ''}"${
    f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''
  }${f.maxlength ? html` maxlength="${f.maxlength}"` : ''}${f.inputmode ? html` inputmode="${f.inputmode}"` : ''}${
    f.lang ? html` lang="${f.lang}"` : ''
  }${req(f)}${d.attr}>
</div>`;
}

export function textAreaField(f: BaseField & { value?: string | undefined; rows?: number; lang?: string }): Html {
  const d = describedBy(f);
  return html`<div class="field${f.errors?.[f.name] ? ' invalid' : ''}">
<label for="${f.name}">${f.label}</label>${d.hint}${d.error}
<textarea id="${f.name}" name="${f.name}" rows="${f.rows ?? 3}"${f.lang ? html` lang="${f.lang}"` : ''}${req(f)}${d.attr}>${f.value ?? ''}</textarea>
</div>`;
}

export function selectField(
  f: BaseField & { value?: string | undefined; options: { value: string; label: string }[] },
): Html {
  const d = describedBy(f);
  return html`<div class="field${f.errors?.[f.name] ? ' invalid' : ''}">
<label for="${f.name}">${f.label}</label>${d.hint}${d.error}
<select id="${f.name}" name="${f.name}"${req(f)}${d.attr}>${f.options.map(
    (o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}>${o.label}</option>`,
  )}</select>
</div>`;
}

export function fileField(f: BaseField & { accept: string }): Html {
  const d = describedBy(f);
  return html`<div class="field${f.errors?.[f.name] ? ' invalid' : ''}">
<label for="${f.name}">${f.label}</label>${d.hint}${d.error}
<input type="file" id="${f.name}" name="${f.name}" accept="${f.accept}"${req(f)}${d.attr}>
</div>`;
}

/**
 * The summary at the top of a form that failed: focused on load (autofocus, no script needed),
 * each error a link to its field.
 */
export function formErrorSummary(title: string, errors: FieldErrors): Html | '' {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${title}</h2>
<ul>${entries.map(([name, message]) => html`<li><a href="#${name}">${message}</a></li>`)}</ul>
</div>`;
}
