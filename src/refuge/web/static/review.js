// Keyboard shortcuts for the review queue: a key press clicks the control whose data-shortcut
// is that key, unless the person is typing in a field. No inline script, no eval: the pages'
// content security policy allows neither.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) return;
  const control = document.querySelector(`[data-shortcut="${CSS.escape(event.key.toLowerCase())}"]`);
  if (control instanceof HTMLElement) {
    event.preventDefault();
    control.click();
  }
});
