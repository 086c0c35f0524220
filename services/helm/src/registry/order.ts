/**
 * Start order: a topological sort of the dependency graph (Kahn's algorithm). Among apps whose
 * dependencies are met, the lower `install_order` and then the name go first, so the order is the
 * same on every machine. A cycle is refused with the cycle spelled out.
 */

/** A node of the dependency graph. */
export interface OrderNode {
  name: string;
  dependsOn: readonly string[];
  installOrder: number;
}

/** Thrown for a dependency cycle or a dependency on nothing known. */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
}

function compare(a: OrderNode, b: OrderNode): number {
  return a.installOrder - b.installOrder || a.name.localeCompare(b.name);
}

/** Names in start order: every node after all of its dependencies. */
export function startOrder(nodes: readonly OrderNode[]): string[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  for (const node of nodes) {
    for (const dependency of node.dependsOn) {
      if (!byName.has(dependency))
        throw new DependencyError(`${node.name} depends on ${dependency}, which is not known`);
      if (dependency === node.name) throw new DependencyError(`dependency cycle: ${node.name} → ${node.name}`);
    }
  }
  const waitingOn = new Map(nodes.map((node) => [node.name, new Set(node.dependsOn)]));
  const order: string[] = [];
  let ready = nodes.filter((node) => node.dependsOn.length === 0).sort(compare);
  while (ready.length > 0) {
    const next = ready.shift();
    if (next === undefined) break;
    order.push(next.name);
    waitingOn.delete(next.name);
    for (const [name, deps] of waitingOn) {
      if (deps.delete(next.name) && deps.size === 0) {
        const node = byName.get(name);
        if (node !== undefined) ready.push(node);
      }
    }
    ready = ready.sort(compare);
  }
  if (waitingOn.size > 0) throw new DependencyError(`dependency cycle: ${findCycle(waitingOn).join(' → ')}`);
  return order;
}

/** One cycle among the nodes left over by the sort (each of them waits on another left over). */
function findCycle(waitingOn: Map<string, Set<string>>): string[] {
  const start = [...waitingOn.keys()].sort()[0] ?? '';
  const path: string[] = [];
  const seen = new Map<string, number>();
  let current = start;
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    const next = [...(waitingOn.get(current) ?? [])].filter((name) => waitingOn.has(name)).sort()[0];
    if (next === undefined) break;
    current = next;
  }
  const from = seen.get(current) ?? 0;
  return [...path.slice(from), current];
}
