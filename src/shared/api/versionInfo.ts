import { type Static, Type } from 'typebox';

/** Body of `GET /api/v1/version`: what is running, for the About page and `raydeck version`. */
export const VersionInfo = Type.Object(
  {
    /** Raydeck's package version, e.g. `0.1.0`. */
    version: Type.String(),
    /** Node.js version of the server process, e.g. `v20.20.2`. */
    node: Type.String(),
    /** REST API version prefix served, always `v1` for now. */
    apiVersion: Type.Literal('v1'),
  },
  { $id: 'VersionInfo', additionalProperties: false },
);
export type VersionInfo = Static<typeof VersionInfo>;
