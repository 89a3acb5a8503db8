// The words the chat shows that a translation will have to change, in one place (English for
// now). Older text is still written where it is used; new text comes here.

export const STRINGS = {
  /** The list of knowledge-base entries under an AI answer. */
  sources: "Sources",
  /** The quick replies under an AI message that offers a person (sent as the visitor's words). */
  quickReplies: "Quick replies",
  offerYes: "Yes, a person please",
  offerNo: "No thanks",
};
