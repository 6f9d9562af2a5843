// Wagtail's date, time and date-time inputs and its inline panels start their
// JavaScript from inline scripts, which the portal's Content Security Policy refuses.
// The portal's templates for them (templates/wagtailadmin/) carry the same call as data
// attributes, and these two Stimulus controllers make it, on page load and for inputs
// that appear later (a new inline form, the page editor's scheduling dialog).
(() => {
  "use strict";

  const { Controller } = window.StimulusModule;
  const started = new WeakSet();

  // Each element is started once, even when Wagtail moves it in the page.
  function once(element) {
    if (started.has(element)) return false;
    started.add(element);
    return true;
  }

  // A fixed table, not a function named by the markup: an attribute must not be able
  // to call any global function.
  const CHOOSERS = {
    date: () => window.initDateChooser,
    time: () => window.initTimeChooser,
    datetime: () => window.initDateTimeChooser,
  };

  class ChooserController extends Controller {
    static values = { kind: String, options: Object };

    connect() {
      const init = CHOOSERS[this.kindValue]?.();
      if (init && this.element.id && once(this.element)) {
        init(this.element.id, this.optionsValue);
      }
    }
  }

  class InlinePanelController extends Controller {
    static values = { options: Object };

    connect() {
      if (once(this.element)) new window.InlinePanel(this.optionsValue);
    }
  }

  window.wagtail.app.register("sgo-chooser", ChooserController);
  window.wagtail.app.register("sgo-inline-panel", InlinePanelController);
})();
