/**
 * A JSON Schema validation message (TypeBox and Ajv word them alike, e.g. `must NOT have fewer
 * than 1 items`) as a person would say it under a form field (`pick at least one`). Messages it
 * does not know are returned unchanged; messages written by Raydeck itself pass through as
 * they are.
 */
export function humanizeSchemaMessage(message: string): string {
  const text = message.trim();
  let match: RegExpExecArray | null;
  if ((match = /^must NOT have fewer than (\d+) items?$/.exec(text))) {
    const count = Number(match[1]);
    return count === 1 ? 'pick at least one' : `pick at least ${count}`;
  }
  if ((match = /^must NOT have more than (\d+) items?$/.exec(text))) {
    return `at most ${match[1]} allowed`;
  }
  if ((match = /^must NOT have fewer than (\d+) characters?$/.exec(text))) {
    const count = Number(match[1]);
    return count === 1 ? 'is required' : `needs at least ${count} characters`;
  }
  if ((match = /^must NOT have more than (\d+) characters?$/.exec(text))) {
    return `is too long (at most ${match[1]} characters)`;
  }
  if ((match = /^must be >= (-?[\d.]+)$/.exec(text))) return `must be at least ${match[1]}`;
  if ((match = /^must be <= (-?[\d.]+)$/.exec(text))) return `must be at most ${match[1]}`;
  if ((match = /^must be > (-?[\d.]+)$/.exec(text))) return `must be more than ${match[1]}`;
  if ((match = /^must be < (-?[\d.]+)$/.exec(text))) return `must be less than ${match[1]}`;
  if (/^must have required property '[^']*'$/.test(text)) return 'is required';
  if (/^must match pattern /.test(text)) return 'has characters or a form that is not allowed';
  if (text === 'must be integer') return 'must be a whole number';
  if (text === 'must be number') return 'must be a number';
  if (text === 'must be string') return 'must be text';
  if (text === 'must be boolean') return 'must be yes or no';
  if (/^must be equal to one of the allowed values$/.test(text)) return 'is not one of the choices';
  if (/^must NOT have duplicate items/.test(text)) return 'lists something twice';
  if (/^must NOT have additional properties$/.test(text)) return 'is not a field Raydeck knows';
  return message;
}
