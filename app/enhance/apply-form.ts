/**
 * The apply form's progressive enhancement (decision 0046): plain DOM, no React, no Remix runtime.
 * The server renders a form that works without it (every field shows, the checklist is marked
 * from the last answers it received); this script then shows a field only while the answer it
 * depends on has a value that calls for it, and the checklist follows the answers as they are
 * typed. The rules are the definition's own (services/catalog: `showWhen`, `materialRequired`),
 * bundled here, never a copy: the page says which item and which day (`data-service`,
 * `data-today` on the form) and the script asks the same definition the server asks.
 *
 * Built by scripts/build-enhancements.ts into public/build/enhance/ with a content hash; the
 * page loads it as an ordinary same-origin script, which the CSP's `script-src 'self'` allows.
 */
import { fieldShown, findService, materialRequired } from '#services/catalog/index';

type Answers = Record<string, string>;

/** The form's answers as the definitions read them: strings by name, files left out. */
function answersOf(form: HTMLFormElement): Answers {
  const answers: Answers = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') answers[name] = value;
  return answers;
}

function enhance(form: HTMLFormElement) {
  const def = findService(form.dataset.service ?? '');
  const today = form.dataset.today;
  if (!def || !today) return;

  // One checklist in the definition's order: what the server set apart as not applying (a
  // <details> for the answers it last received) joins the list, and from now on shows or hides.
  // Moved, not re-created, so a file already chosen survives.
  const list = form.querySelector<HTMLElement>('[data-materials]');
  const materials = [...form.querySelectorAll<HTMLElement>('[data-material]')];
  if (list) {
    materials.sort((a, b) => Number(a.dataset.order) - Number(b.dataset.order));
    for (const m of materials) list.append(m);
    form.querySelector('[data-not-applying]')?.remove();
  }

  const update = () => {
    const answers = answersOf(form);
    for (const f of def.fields) {
      if (!f.showWhen) continue;
      const el = form.querySelector<HTMLElement>(`[data-field="${f.name}"]`);
      if (el) el.hidden = !fieldShown(f, answers);
    }
    // A group (the postal address) shows while any of its fields does.
    for (const group of form.querySelectorAll<HTMLElement>('[data-group]')) {
      group.hidden = [...group.querySelectorAll<HTMLElement>('[data-field]')].every((el) => el.hidden);
    }
    for (const el of materials) {
      const m = def.materials.find((x) => x.code === el.dataset.material);
      if (!m || m.required === 'always') continue;
      let applies: boolean;
      try {
        applies = materialRequired(m, answers, { today });
      } catch {
        continue; // an answer the rule cannot read yet (half a date): leave it as the server marked it
      }
      el.hidden = !applies;
      // What the server wrote for its answers ("does not apply", "applies if …") now reads "applies because …".
      const status = el.querySelector<HTMLElement>('[data-applies-text]');
      if (status && applies) status.textContent = status.dataset.appliesText ?? '';
    }
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-service]')) enhance(form);
