import type { CliContext } from './CliConfigStore.ts';
import { CliError, exitCodes } from './exitCodes.ts';

/** A cluster named on the command line. */
export interface ClusterRef {
  team: string;
  name: string;
}

/**
 * `team/name`, or `name` with `--team`, else the context's team (saved at login: the user's
 * first team). The server validates the names; this only splits them.
 */
export function parseClusterRef(
  value: string,
  team: string | undefined,
  context: CliContext,
): ClusterRef {
  const parts = value.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { team: parts[0], name: parts[1] };
  if (parts.length === 1 && value) {
    const chosen = team ?? context.team;
    if (!chosen)
      throw new CliError(
        `name the cluster as team/name or pass --team: "${value}" has no team and the context has none`,
        exitCodes.usage,
      );
    return { team: chosen, name: value };
  }
  throw new CliError(`a cluster is team/name or name, got "${value}"`, exitCodes.usage);
}
