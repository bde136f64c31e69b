import { notifications } from '@mantine/notifications';

/**
 * Toasts for the outcome of a mutation (the portal's convention: loads show inline alerts,
 * mutations show notifications). A failure shows the server's message as it is; they stay up for
 * 8 s (successes 4 s) so there is time to read them.
 */
export const notify = {
  success(title: string, message?: string): void {
    notifications.show({ title, message: message ?? '', color: 'teal', autoClose: 4000 });
  },
  failure(title: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    notifications.show({ title, message, color: 'red', autoClose: 8000 });
  },
};
