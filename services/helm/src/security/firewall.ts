/**
 * Firewall scripts from the registry: allow SSH (first, so applying the script can never lock
 * the operator out), allow the gateway's port, deny everything else coming in.
 */
import type { LoadedPlatform } from '../generate/index.js';
import { GATEWAY } from './checks.js';

/** The ports the world may reach: SSH and the gateway. */
function publicPorts(loaded: LoadedPlatform): { gateway: number; internal: number[] } {
  const gateway = loaded.platform.apps.find((app) => app.name === GATEWAY)?.port ?? 443;
  const internal = loaded.platform.apps
    .filter((app) => app.name !== GATEWAY)
    .map((app) => app.port)
    .sort((a, b) => a - b);
  return { gateway, internal };
}

/** A ufw script. */
export function ufwScript(loaded: LoadedPlatform): string {
  const { gateway, internal } = publicPorts(loaded);
  return [
    '#!/bin/sh',
    '# HiveMatrix firewall (ufw). Run as root. SSH is allowed before anything is denied.',
    'set -e',
    'ufw allow 22/tcp comment "SSH"',
    `ufw allow ${gateway}/tcp comment "HiveMatrix gateway (${GATEWAY})"`,
    ...internal.map((port) => `ufw deny ${port}/tcp comment "HiveMatrix internal service"`),
    'ufw default deny incoming',
    'ufw default allow outgoing',
    'ufw --force enable',
    'ufw status verbose',
    '',
  ].join('\n');
}

/** An iptables + ip6tables script (rules inserted at the top, the DROP policy set last). */
export function iptablesScript(loaded: LoadedPlatform): string {
  const { gateway } = publicPorts(loaded);
  const lines = [
    '#!/bin/sh',
    '# HiveMatrix firewall (iptables). Run as root. SSH is allowed before the policy becomes DROP.',
    'set -e',
  ];
  for (const tool of ['iptables', 'ip6tables']) {
    lines.push(
      `${tool} -I INPUT 1 -p tcp --dport 22 -j ACCEPT`,
      `${tool} -I INPUT 2 -i lo -j ACCEPT`,
      `${tool} -I INPUT 3 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      `${tool} -I INPUT 4 -p tcp --dport ${gateway} -j ACCEPT`,
    );
  }
  lines.push(
    'iptables -I INPUT 5 -p icmp -j ACCEPT',
    'ip6tables -I INPUT 5 -p ipv6-icmp -j ACCEPT',
    'iptables -P INPUT DROP',
    'ip6tables -P INPUT DROP',
    '',
  );
  return lines.join('\n');
}
