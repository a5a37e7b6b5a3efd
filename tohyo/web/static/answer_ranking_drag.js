// Drag and drop to order a list, with pointer events: a mouse, a pen, a finger alike. The
// grip has `touch-action: none` (events.css), so a finger on it drags instead of scrolling
// the page, while the rest of each row still scrolls it.
//
// The dragged row follows the pointer (a transform); once it is past half of a neighbour,
// the neighbour is moved to its other side. The dragged row itself is never taken out of
// the document, which would lose the pointer's capture and the focus.
export function dragToOrder(list, { grip, onMoved }) {
  let drag = null;
  const place = (item) => [...list.children].indexOf(item);
  const bottom = (row) => row.offsetTop + row.offsetHeight;

  list.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest(grip);
    if (drag || !handle || !list.contains(handle) || event.button !== 0) return;
    event.preventDefault(); // no text selection; focus is put on the grip instead
    handle.focus({ preventScroll: true });
    handle.setPointerCapture(event.pointerId);
    const item = handle.closest("li");
    drag = { item, pointerId: event.pointerId, startY: event.clientY, from: place(item) };
    item.classList.add("ev-rank-dragging");
  });

  list.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const { item } = drag;
    let offset = event.clientY - drag.startY;
    for (;;) {
      const previous = item.previousElementSibling;
      const next = item.nextElementSibling;
      const before = item.offsetTop;
      // Past half of the way the row's slot would move: then the way back is past half
      // too, so a pointer held still never swaps the rows to and fro.
      const down = next ? bottom(next) - bottom(item) : 0;
      const up = previous ? before - previous.offsetTop : 0;
      if (next && offset > down / 2) list.insertBefore(next, item);
      else if (previous && offset < -up / 2) {
        list.insertBefore(previous, item.nextElementSibling);
      } else break;
      const shift = item.offsetTop - before; // the row's slot moved: so does its origin
      drag.startY += shift;
      offset -= shift;
    }
    item.style.transform = `translateY(${offset}px)`;
  });

  const end = (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const { item, from } = drag;
    drag = null;
    item.style.transform = "";
    item.classList.remove("ev-rank-dragging");
    if (place(item) !== from) onMoved(item);
  };
  list.addEventListener("pointerup", end);
  list.addEventListener("pointercancel", end);
}
