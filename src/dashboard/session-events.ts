/**
 * What a page tells the app about the session: it changed (a renamed workspace or user: the
 * header reads the session again) or it ended (signed out everywhere, left the workspace: back to
 * the sign-in). The app subscribes once; pages just call.
 */
type Listener = () => void;
const changed = new Set<Listener>();
const ended = new Set<Listener>();

export const onSessionChanged = (listener: Listener) => {
  changed.add(listener);
  return () => changed.delete(listener);
};
export const onSessionEnded = (listener: Listener) => {
  ended.add(listener);
  return () => ended.delete(listener);
};
export const sessionChanged = (): void => {
  for (const l of changed) l();
};
export const sessionEnded = (): void => {
  for (const l of ended) l();
};
