import { ContainerModule } from 'inversify';
import type { BindInWhenOnFluentSyntax, BindToFluentSyntax, Container, Newable } from 'inversify';
import type { Token } from '../ports/token.ts';

/** What a binding is found by: a token, or a class bound under itself. */
export type Key<T> = Token<T> | Newable<T>;

/** The keys of a factory's parameters, in order, each carrying its parameter's type. */
export type Keys<Args extends readonly unknown[]> = { readonly [K in keyof Args]: Key<Args[K]> };

/**
 * inversify's binding syntax, with what it cannot check made checkable: inversify 8 takes any
 * `symbol` as a `ServiceIdentifier<T>` of any T, so a factory's dependencies and an alias are
 * checked here against the types their keys carry.
 */
export interface TypedBinding<T> extends Omit<BindToFluentSyntax<T>, 'toResolvedValue' | 'toService'> {
  toResolvedValue(factory: () => T | Promise<T>): BindInWhenOnFluentSyntax<T>;
  toResolvedValue<Args extends unknown[]>(factory: (...args: Args) => T | Promise<T>, keys: Keys<Args>): BindInWhenOnFluentSyntax<T>;
  toService(key: Key<T>): void;
}

export type TypedBind = <T>(key: Key<T>) => TypedBinding<T>;

/** A ContainerModule whose bindings must match the types their keys carry (STYLE 3). */
export function typedModule(load: (bind: TypedBind) => void): ContainerModule {
  return new ContainerModule(({ bind }) => load(<T>(key: Key<T>): TypedBinding<T> => bind<T>(key)));
}

/** `container.get`, typed by the key rather than by a cast at the call. */
export function resolve<T>(container: Container, key: Key<T>): T {
  return container.get<T>(key);
}

/** The binding under `key`, or undefined when the configuration bound nothing there. */
export function resolveIfBound<T>(container: Container, key: Key<T>): T | undefined {
  return container.get<T>(key, { optional: true });
}

/** For bindings that open something first (the credential store). */
export function resolveAsync<T>(container: Container, key: Key<T>): Promise<T> {
  return container.getAsync<T>(key);
}

/** A factory parameter that is undefined when the configuration bound nothing under `key`. */
export function optional<T>(key: Key<T>): Key<T | undefined> {
  // inversify's own form for an optional dependency; the cast only restores the carried type.
  return { serviceIdentifier: key, optional: true } as unknown as Key<T | undefined>;
}
