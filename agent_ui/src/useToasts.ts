// The inbox's short notices: at most four at once, each gone after six seconds.

import { useCallback, useRef, useState } from "react";

export interface Toast {
  id: number;
  text: string;
  tone: "info" | "error" | "success";
}

export function useToasts(): {
  toasts: Toast[];
  toast: (text: string, tone?: Toast["tone"]) => void;
  dropToast: (id: number) => void;
} {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastId = useRef(0);
  const toast = useCallback((text: string, tone: Toast["tone"] = "info") => {
    const id = ++toastId.current;
    setToasts((t) => [...t.slice(-3), { id, text, tone }]);
    window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);
  const dropToast = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  return { toasts, toast, dropToast };
}
