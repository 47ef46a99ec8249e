// One definition per page: its route's pattern and the builder every link uses, made from one string,
// so a route and its links cannot drift apart. `build` takes the pattern's parameters in order.

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? [Name, ...ParamNames<`/${Rest}`>]
  : P extends `${string}:${infer Name}`
    ? [Name]
    : []
type ParamValues<Names extends string[]> = { [K in keyof Names]: string }

export type PagePath<Args extends unknown[] = string[]> = {
  pattern: string
  build: (...args: Args) => string
}

export function pagePath<P extends string>(pattern: P): PagePath<ParamValues<ParamNames<P>>> {
  return {
    pattern,
    build: (...values) => {
      let i = 0
      return pattern.replace(/:[A-Za-z]+/g, () => encodeURIComponent(String(values[i++])))
    },
  }
}

// A page whose links carry more than its pattern (a query, a choice of format): its own builder.
export function pagePathWith<Args extends unknown[]>(
  pattern: string,
  build: (...args: Args) => string,
): PagePath<Args> {
  return { pattern, build }
}

// Path definitions, nested by capability or section, as the link builders templates call (`paths.x(id)`).
export type PathTree = { [name: string]: PagePath<never[]> | PathTree }
export type LinkBuilders<T> = {
  [K in keyof T]: T[K] extends PagePath<infer A> ? (...args: A) => string : LinkBuilders<T[K]>
}

export function linkBuilders<T extends PathTree>(tree: T): LinkBuilders<T> {
  return Object.fromEntries(
    Object.entries(tree).map(([name, node]) => [
      name,
      'pattern' in node && typeof node.build === 'function' ? node.build : linkBuilders(node as PathTree),
    ]),
  ) as LinkBuilders<T>
}

// Every pattern in a tree, for the test that each route is defined once and used by its route.
export function patternsOf(tree: PathTree): string[] {
  return Object.values(tree).flatMap((node) =>
    'pattern' in node && typeof node.pattern === 'string' ? [node.pattern] : patternsOf(node as PathTree),
  )
}
