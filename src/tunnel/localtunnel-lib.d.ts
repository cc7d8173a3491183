// Types for the one file of @n8n/localtunnel we reach into: its Tunnel class (the package's index.d.ts
// types only the factory). connect-tunnel.ts subclasses it to replace the handshake; see there why.
declare module '@n8n/localtunnel/lib/Tunnel' {
  import { EventEmitter } from 'node:events';
  import type localtunnel from '@n8n/localtunnel';

  namespace Tunnel {
    /** The server's answer to `GET /?new` or `GET /:subdomain`. */
    interface InfoBody {
      id: string;
      port: number;
      max_conn_count?: number;
      url: string;
      ip?: string;
      cached_url?: string;
    }
    /** The library's own connection settings, built from a body by `_getInfo`. */
    type Info = object;
  }

  class Tunnel extends EventEmitter {
    constructor(options: localtunnel.TunnelConfig & { port: number });
    url: string;
    clientId?: string;
    /** Exists once open() has called back. */
    tunnelCluster: localtunnel.TunnelCluster;
    open(callback: (error?: Error) => void): void;
    close(): void;
    protected _init(callback: (error: Error | null, info?: Tunnel.Info) => void): void;
    protected _getInfo(body: Tunnel.InfoBody): Tunnel.Info;
  }
  export = Tunnel;
}
