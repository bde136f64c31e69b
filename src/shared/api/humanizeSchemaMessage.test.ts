import { describe, expect, it } from 'vitest';

import { humanizeSchemaMessage } from './humanizeSchemaMessage.ts';

describe('humanizeSchemaMessage', () => {
  it.each([
    ['must NOT have fewer than 1 items', 'pick at least one'],
    ['must NOT have fewer than 2 items', 'pick at least 2'],
    ['must NOT have more than 8 items', 'at most 8 allowed'],
    ['must NOT have fewer than 1 characters', 'is required'],
    ['must NOT have more than 63 characters', 'is too long (at most 63 characters)'],
    ['must be >= 0.5', 'must be at least 0.5'],
    ['must be <= 16', 'must be at most 16'],
    ["must have required property 'name'", 'is required'],
    ['must match pattern "^[a-z]$"', 'has characters or a form that is not allowed'],
    ['must be integer', 'must be a whole number'],
  ])('%s → %s', (message, human) => {
    expect(humanizeSchemaMessage(message)).toBe(human);
  });

  it('leaves messages it does not know as they are', () => {
    expect(humanizeSchemaMessage('is not one of your teams')).toBe('is not one of your teams');
  });
});
