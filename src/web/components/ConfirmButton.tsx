import { Alert, Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';

/** Props of {@link ConfirmButton}. */
export interface ConfirmButtonProps extends Omit<ButtonProps, 'children' | 'onClick'> {
  /** Text of the button that opens the dialog, e.g. `Delete`. */
  children: ReactNode;
  /** Dialog title, e.g. `Delete team-a/train?`. */
  dialogTitle: string;
  /** Tooltip of the button, e.g. why it is disabled. */
  title?: string | undefined;
  /** What will happen, in plain words. */
  message: ReactNode;
  /** Text of the dialog's confirm button, e.g. `Delete cluster`. */
  confirmLabel: string;
  /** Colour of the confirm button; `red` for destructive actions. Default the primary colour. */
  confirmColor?: string;
  /**
   * Runs on confirm. While it runs the button shows a loader; when it throws, the dialog stays
   * open and shows the error's message as the server worded it; when it resolves, it closes.
   */
  onConfirm: () => Promise<unknown>;
}

/**
 * A button that asks before it acts: suspend, resume and delete on the cluster page. The dialog
 * is a focus-trapping modal; Escape or Cancel closes it without acting.
 */
export function ConfirmButton({
  children,
  dialogTitle,
  message,
  confirmLabel,
  confirmColor,
  onConfirm,
  ...buttonProps
}: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const close = () => {
    if (busy) return;
    setOpen(false);
    setError(undefined);
  };
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setOpen(false);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button {...buttonProps} onClick={() => setOpen(true)}>
        {children}
      </Button>
      {/* Composed by hand so the header is a plain div: Mantine's <header> would be a second
          "banner" landmark next to the app's own. */}
      <Modal.Root opened={open} onClose={close} centered>
        <Modal.Overlay />
        <Modal.Content>
          <Modal.Header component="div">
            <Modal.Title>{dialogTitle}</Modal.Title>
            <Modal.CloseButton aria-label="Close" />
          </Modal.Header>
          <Modal.Body>
            <Stack gap="md">
              <Text size="sm">{message}</Text>
              {error && (
                <Alert color="red" variant="light" role="alert">
                  {error}
                </Alert>
              )}
              <Group justify="flex-end" gap="sm">
                {/* Focus starts on Cancel, so a stray Enter never confirms a destructive action. */}
                <Button variant="default" onClick={close} disabled={busy} data-autofocus>
                  Cancel
                </Button>
                <Button color={confirmColor} loading={busy} onClick={() => void confirm()}>
                  {confirmLabel}
                </Button>
              </Group>
            </Stack>
          </Modal.Body>
        </Modal.Content>
      </Modal.Root>
    </>
  );
}
