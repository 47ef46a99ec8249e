import type { Actor } from '../domain/policy.ts'

// One entry of the service navigation; each capability offers its own (src/modules.ts gathers them).
export type NavigationEntry = { href: string; text: string; order: number }
export type NavigationItem = { href: string; text: string; active?: boolean }
export type NavigationFor = (actor: Actor) => NavigationEntry[]

// The navigation a user sees, with the page they are on marked. Only links to pages the role may open.
export function navigationItems(entries: NavigationEntry[] | null, currentPath: string): NavigationItem[] {
  return (entries ?? []).map(({ href, text }) => ({
    href,
    text,
    active: href === '/' ? currentPath === '/' : currentPath === href || currentPath.startsWith(`${href}/`),
  }))
}
