declare const carried: unique symbol;

/**
 * An injection token that carries the type bound under it (STYLE 3). A plain `symbol` satisfies
 * inversify's `ServiceIdentifier<T>` for every T, so handing one port's token where another's is
 * wanted would compile; the composition's typed `bind` and `resolve` read T from here instead.
 * The property exists only for the type checker: at run time a token is just its symbol.
 */
export type Token<T> = symbol & { readonly [carried]: T };

export function token<T>(description: string): Token<T> {
  return Symbol(description) as Token<T>;
}
