import type { Locator, Page } from 'playwright-core';

/**
 * A form field by its accessible name, exactly: a text box, a number box or a select. Unlike
 * `getByLabel(…, { exact: true })`, which compares the `<label>`'s whole text, this leaves out
 * what assistive technology does not read, such as Mantine's `aria-hidden` " *" on required fields.
 */
export function labelledField(scope: Page | Locator, name: string): Locator {
  return scope
    .getByRole('textbox', { name, exact: true })
    .or(scope.getByRole('spinbutton', { name, exact: true }))
    .or(scope.getByRole('combobox', { name, exact: true }));
}

/**
 * Sets a field to `value` whatever shape it takes: a native `<select>`, a combobox with a listbox
 * of options (Mantine's Select), or a plain text input.
 */
export async function chooseOption(field: Locator, value: string): Promise<void> {
  const { tag, popup } = await field.evaluate((element) => ({
    tag: element.tagName,
    popup: element.getAttribute('aria-haspopup') ?? element.getAttribute('role') ?? '',
  }));
  if (tag === 'SELECT') {
    await field.selectOption(value);
  } else if (/listbox|combobox/.test(popup)) {
    await field.click();
    await field.page().getByRole('option', { name: value, exact: true }).click();
  } else {
    await field.fill(value);
  }
}
