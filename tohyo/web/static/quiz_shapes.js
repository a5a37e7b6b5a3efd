// A quiz choice's look, shared by the phone's tiles (answer_quiz.js) and the projector's
// (present_quiz.js), so "the blue triangle" on the wall is the blue triangle in the hand:
// one shape per palette color, choice i (from 0) has SHAPES[i % 10] and .c{i % 10 + 1}.
// The shape is never the only cue either: the choice's text is always beside it.
export const SHAPES = ["▲", "◆", "●", "■", "★", "▼", "⬟", "✚", "⬢", "◗"];

export const shapeOf = (index) => SHAPES[index % SHAPES.length];
export const colorOf = (index) => `c${(index % 10) + 1}`;
