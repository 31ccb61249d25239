/** `GET /status`: the public configuration of API.md §1, never a private key or a path. */
import { Router } from 'express';
import type { Config } from '../config/index.ts';
import { majorMinor, readPackageVersion } from '../version.ts';

/** The server's release as MAJOR.MINOR, from package.json's version (the one source). */
export const SERVER_VERSION = majorMinor(readPackageVersion());
/** The version of ../shared/API.md this server implements. */
export const API_VERSION = '1.1';

/** The public status document. */
export interface StatusBody {
  name: string;
  owner?: string;
  location?: string;
  server_version: string;
  api_version: string;
  timeout: number;
  max_time: number | null;
  max_users: number | null;
  no_users: number;
  max_data: number | null;
  extensions: string[];
}

/** Builds the status document from the configuration and the live client count. */
export function statusBody(config: Config, connectedClients: number): StatusBody {
  return {
    name: config.name,
    ...(config.owner === undefined ? {} : { owner: config.owner }),
    ...(config.location === undefined ? {} : { location: config.location }),
    server_version: SERVER_VERSION,
    api_version: API_VERSION,
    timeout: config.timeout,
    max_time: config.max_time,
    max_users: config.max_users,
    no_users: connectedClients,
    max_data: config.max_data,
    extensions: Object.keys(config.extensions),
  };
}

/** The `/status` route. */
export function statusRoutes(config: Config, connectedClients: () => number): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(statusBody(config, connectedClients()));
  });
  return router;
}
