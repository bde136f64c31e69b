import { describe, expect, it } from 'vitest';

import { minPasswordLength, passwordProblem } from './passwordProblem.ts';

describe('passwordProblem', () => {
  it('accepts a long password unrelated to the username', () => {
    expect(passwordProblem('blue-kettle-on-a-hill', 'alice')).toBeUndefined();
    expect(passwordProblem('x'.repeat(minPasswordLength), 'al')).toBeUndefined();
  });

  it('asks for at least 12 characters, counting characters rather than UTF-16 units', () => {
    expect(minPasswordLength).toBe(12);
    expect(passwordProblem('elevenchars', 'alice')).toBe('must be at least 12 characters long');
    expect(passwordProblem('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑', 'alice')).toBe(
      'must be at least 12 characters long',
    );
    expect(passwordProblem('x'.repeat(1025), 'alice')).toBe('must be at most 1024 characters long');
  });

  it('refuses the username and passwords containing it, case-insensitively', () => {
    expect(passwordProblem('Maximilian.Mustermann', 'maximilian.mustermann')).toBe(
      'must not be the username',
    );
    expect(passwordProblem('my-ALICE-password-9', 'alice')).toBe('must not contain the username');
    // Two-letter names are everywhere; they are not searched for.
    expect(passwordProblem('bolder-stone-path', 'bo')).toBeUndefined();
  });

  it('refuses common passwords, case-insensitively', () => {
    for (const password of ['password1234', 'Qwerty123456', 'CorrectHorseBatteryStaple']) {
      expect(passwordProblem(password, 'alice'), password).toBe(
        'is too common; choose a less guessable one',
      );
    }
  });
});
