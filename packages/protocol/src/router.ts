// A plain history router for the React apps (the inbox under /agent/, the admin under /admin/):
// each app says how its paths map to its routes; navigation and the hook are the same.
import { useEffect, useState } from "react";

export interface Router<R> {
  navigate(route: R, replace?: boolean): void;
  useRoute(): R;
}

export function createRouter<R>(parse: (pathname: string) => R, path: (route: R) => string): Router<R> {
  return {
    navigate(route, replace = false) {
      const to = path(route);
      if (to === window.location.pathname) return;
      if (replace) window.history.replaceState(null, "", to);
      else window.history.pushState(null, "", to);
      window.dispatchEvent(new PopStateEvent("popstate"));
    },
    useRoute() {
      const [route, setRoute] = useState(() => parse(window.location.pathname));
      useEffect(() => {
        const update = () => setRoute(parse(window.location.pathname));
        window.addEventListener("popstate", update);
        return () => window.removeEventListener("popstate", update);
      }, []);
      return route;
    },
  };
}
