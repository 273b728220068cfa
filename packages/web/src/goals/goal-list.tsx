import type { Goal } from "@pursuit/sdk";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { GoalCard } from "./goal-card.js";

/** Cards are about this tall before they are measured. */
const ESTIMATED_CARD_PX = 190;

/**
 * The goals as a list that renders only the cards near the viewport (a thousand goals load as fast as ten);
 * the page itself scrolls, and each card is measured once shown.
 */
export function GoalList({ goals }: { goals: Goal[] }) {
  const list = useRef<HTMLUListElement>(null);
  const virtualizer = useWindowVirtualizer({
    count: goals.length,
    estimateSize: () => ESTIMATED_CARD_PX,
    overscan: 6,
    scrollMargin: list.current?.offsetTop ?? 0,
    getItemKey: (index) => goals[index]?.id ?? index,
  });
  const margin = virtualizer.options.scrollMargin;
  return (
    <ul ref={list} className="goals-list goals-list-virtual" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((item) => {
        const goal = goals[item.index];
        if (!goal) return null;
        return (
          <li
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            aria-setsize={goals.length}
            aria-posinset={item.index + 1}
            style={{ transform: `translateY(${item.start - margin}px)` }}
          >
            <GoalCard goal={goal} />
          </li>
        );
      })}
    </ul>
  );
}
