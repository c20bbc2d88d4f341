/* deepnotes quiz: Check / Retry, exam mode, progress kept in localStorage.
 *
 * Works on the HTML rendered by hooks/quiz.py (deepnotes.quiz.render):
 *   .dn-quiz[data-dn-quiz=topic]  a topic's questions, each a form.dn-q with Check/Retry
 *   .dn-quiz[data-dn-quiz=exam]   one form with every question; Submit shows score + review
 *   .dn-progress                  the home page's progress per topic (filled from storage)
 *
 * Storage: one JSON value under the versioned key "deepnotes:v1:quiz":
 *   {version: 1,
 *    answers: {<question id>: {chosen: ["A"], checked: bool, correct: bool}},
 *    exam: {chosen: {<question id>: ["B", "C"]}, submitted: bool},
 *    predictions: {<demo name>: {chosen: str, outcome: str|null, confirmed: bool|null, at: ms}}}
 *   (predictions: the "predict, then run" questions of the demos, web/src/explore.js)
 * Anything else (corrupted JSON, another version, unexpected shapes) is ignored
 * and replaced on the next save; the page never breaks because of it.
 *
 * Plain script, no dependencies; re-runs on every page of Material's instant
 * navigation through document$. */
(function () {
  "use strict";

  var KEY = "deepnotes:v1:quiz";
  var ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var LETTER = /^[A-F]$/;
  var memory = null; // fallback when localStorage is unavailable (privacy mode)

  /* ------------------------------------------------------------ storage */

  function emptyState() {
    return { version: 1, answers: {}, exam: { chosen: {}, submitted: false } };
  }

  function cleanLetters(value) {
    if (!Array.isArray(value)) return null;
    var out = [];
    for (var i = 0; i < value.length; i++) {
      if (typeof value[i] === "string" && LETTER.test(value[i]) && out.indexOf(value[i]) < 0) {
        out.push(value[i]);
      }
    }
    return out.sort();
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function clean(raw) {
    var state = emptyState();
    if (!isObject(raw) || raw.version !== 1) return state;
    if (isObject(raw.answers)) {
      Object.keys(raw.answers).forEach(function (id) {
        var entry = raw.answers[id];
        var chosen = isObject(entry) ? cleanLetters(entry.chosen) : null;
        if (!ID.test(id) || chosen === null) return;
        state.answers[id] = {
          chosen: chosen,
          checked: entry.checked === true && chosen.length > 0,
          correct: entry.correct === true,
        };
      });
    }
    if (isObject(raw.exam)) {
      if (isObject(raw.exam.chosen)) {
        Object.keys(raw.exam.chosen).forEach(function (id) {
          var chosen = cleanLetters(raw.exam.chosen[id]);
          if (ID.test(id) && chosen !== null) state.exam.chosen[id] = chosen;
        });
      }
      state.exam.submitted = raw.exam.submitted === true;
    }
    if (isObject(raw.predictions)) {
      state.predictions = {};
      Object.keys(raw.predictions).forEach(function (name) {
        var p = raw.predictions[name];
        if (!/^[a-z][a-z0-9_]*$/.test(name) || !isObject(p) || typeof p.chosen !== "string") return;
        state.predictions[name] = {
          chosen: p.chosen.slice(0, 200),
          outcome: typeof p.outcome === "string" ? p.outcome.slice(0, 200) : null,
          confirmed: typeof p.confirmed === "boolean" ? p.confirmed : null,
          at: typeof p.at === "number" ? p.at : 0,
        };
      });
    }
    return state;
  }

  function load() {
    var text = null;
    try {
      text = window.localStorage.getItem(KEY);
    } catch (e) {
      text = memory;
    }
    if (!text) return emptyState();
    try {
      return clean(JSON.parse(text));
    } catch (e) {
      return emptyState(); // corrupted value: start afresh, overwrite on next save
    }
  }

  function save(state) {
    var text = JSON.stringify(state);
    try {
      window.localStorage.setItem(KEY, text);
    } catch (e) {
      memory = text;
    }
  }

  function update(change) {
    var state = load();
    change(state);
    save(state);
    return state;
  }

  /* ------------------------------------------------------------ helpers */

  function $(root, selector) {
    return root.querySelector(selector);
  }

  function $$(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function answerOf(q) {
    return (q.getAttribute("data-answer") || "").split(",").filter(Boolean).sort();
  }

  function inputs(q) {
    return $$(q, ".dn-q__option input");
  }

  function chosenOf(q) {
    return inputs(q)
      .filter(function (input) {
        return input.checked;
      })
      .map(function (input) {
        return input.value;
      })
      .sort();
  }

  function setChosen(q, letters) {
    inputs(q).forEach(function (input) {
      input.checked = letters.indexOf(input.value) >= 0;
    });
  }

  function sameLetters(a, b) {
    return a.length === b.length && a.every(function (x, i) {
      return x === b[i];
    });
  }

  function list(letters) {
    return letters.join(", ");
  }

  function summary(chosen, answer) {
    if (sameLetters(chosen, answer)) return "Correct!";
    var missing = answer.filter(function (x) {
      return chosen.indexOf(x) < 0;
    });
    var extra = chosen.filter(function (x) {
      return answer.indexOf(x) < 0;
    });
    var parts = [];
    if (missing.length) parts.push("you missed " + list(missing));
    if (extra.length) parts.push(list(extra) + (extra.length === 1 ? " is" : " are") + " not right");
    return "Not quite. The answer is " + list(answer) + ": " + parts.join("; ") + ".";
  }

  function verdict(isAnswer, isChosen) {
    if (isAnswer) return isChosen ? "Correct, your choice." : "Correct answer, not chosen.";
    return isChosen ? "Wrong, your choice." : "Wrong.";
  }

  /* ------------------------------------------------------------ feedback */

  function showFeedback(q, chosen) {
    var answer = answerOf(q);
    var correct = sameLetters(chosen, answer);
    $$(q, ".dn-q__option").forEach(function (option) {
      var letter = option.getAttribute("data-letter");
      var isAnswer = answer.indexOf(letter) >= 0;
      var isChosen = chosen.indexOf(letter) >= 0;
      option.classList.toggle("dn-q__option--answer", isAnswer);
      option.classList.toggle("dn-q__option--chosen", isChosen);
      option.classList.toggle("dn-q__option--wrong", isChosen && !isAnswer);
      option.classList.toggle("dn-q__option--missed", isAnswer && !isChosen);
      var why = $(option, ".dn-q__why");
      $(why, ".dn-q__verdict").textContent = verdict(isAnswer, isChosen);
      why.hidden = false;
      $(option, "input").setAttribute("aria-describedby", why.id);
    });
    q.classList.add("dn-q--checked");
    q.classList.toggle("dn-q--correct", correct);
    q.classList.toggle("dn-q--wrong", !correct);
    $(q, ".dn-q__more").hidden = false;
    var retry = $(q, ".dn-q__retry");
    if (retry) retry.hidden = false;
    $(q, ".dn-q__status").textContent = (correct ? "✓ " : "✗ ") + summary(chosen, answer);
    return correct;
  }

  function clearFeedback(q) {
    q.classList.remove("dn-q--checked", "dn-q--correct", "dn-q--wrong");
    $$(q, ".dn-q__option").forEach(function (option) {
      option.classList.remove(
        "dn-q__option--answer",
        "dn-q__option--chosen",
        "dn-q__option--wrong",
        "dn-q__option--missed"
      );
      $(option, ".dn-q__why").hidden = true;
      $(option, "input").removeAttribute("aria-describedby");
    });
    $(q, ".dn-q__more").hidden = true;
    var retry = $(q, ".dn-q__retry");
    if (retry) retry.hidden = true;
    $(q, ".dn-q__status").textContent = "";
  }

  /* ------------------------------------------------------------ topic mode */

  function updateScore(block) {
    var state = load();
    var questions = $$(block, ".dn-q");
    var correct = 0;
    var answered = 0;
    questions.forEach(function (q) {
      var entry = state.answers[q.getAttribute("data-qid")];
      if (entry && entry.checked) {
        answered += 1;
        if (entry.correct) correct += 1;
      }
    });
    var value = $(block, ".dn-quiz__score-value");
    if (value) {
      value.textContent =
        correct + " of " + questions.length + " correct" +
        (answered && answered < questions.length ? " (" + answered + " checked so far)" : "");
    }
  }

  function initTopicQuestion(q, block) {
    var qid = q.getAttribute("data-qid");
    var entry = load().answers[qid];
    if (entry) {
      setChosen(q, entry.chosen);
      if (entry.checked) showFeedback(q, entry.chosen);
    }
    q.addEventListener("change", function () {
      var chosen = chosenOf(q);
      var wasChecked = q.classList.contains("dn-q--checked");
      if (wasChecked) clearFeedback(q);
      update(function (state) {
        state.answers[qid] = { chosen: chosen, checked: false, correct: false };
      });
      if (wasChecked) updateScore(block);
    });
    q.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = chosenOf(q);
      if (!chosen.length) {
        $(q, ".dn-q__status").textContent = "Choose an answer first.";
        return;
      }
      var correct = showFeedback(q, chosen);
      update(function (state) {
        state.answers[qid] = { chosen: chosen, checked: true, correct: correct };
      });
      updateScore(block);
    });
    var retry = $(q, ".dn-q__retry");
    retry.addEventListener("click", function () {
      clearFeedback(q);
      setChosen(q, []);
      update(function (state) {
        delete state.answers[qid];
      });
      updateScore(block);
      inputs(q)[0].focus();
    });
  }

  function initTopic(block) {
    $$(block, ".dn-q").forEach(function (q) {
      initTopicQuestion(q, block);
    });
    updateScore(block);
    var reset = $(block, ".dn-quiz__reset");
    reset.addEventListener("click", function () {
      var questions = $$(block, ".dn-q");
      update(function (state) {
        questions.forEach(function (q) {
          delete state.answers[q.getAttribute("data-qid")];
        });
      });
      questions.forEach(function (q) {
        clearFeedback(q);
        setChosen(q, []);
      });
      updateScore(block);
      $(block, ".dn-quiz__notice").textContent = "Your answers on this page were reset.";
    });
  }

  /* ------------------------------------------------------------ exam mode */

  function examResult(form, state) {
    var questions = $$(form, ".dn-q");
    var correct = 0;
    var perTopic = [];
    $$(form, ".dn-exam__topic").forEach(function (section) {
      var group = $$(section, ".dn-q");
      var right = group.filter(function (q) {
        return sameLetters(state.exam.chosen[q.getAttribute("data-qid")] || [], answerOf(q));
      }).length;
      correct += right;
      perTopic.push({ title: $(section, ".dn-exam__heading").textContent, right: right, total: group.length });
    });
    var box = $(form, ".dn-exam__result");
    box.textContent = "";
    var heading = document.createElement("p");
    heading.className = "dn-exam__score";
    var percent = Math.round((100 * correct) / questions.length);
    heading.textContent =
      "Your score: " + correct + " of " + questions.length + " correct (" + percent + "%). " +
      "Every question now shows the explanation of each option.";
    box.appendChild(heading);
    var table = document.createElement("ul");
    table.className = "dn-exam__topics";
    perTopic.forEach(function (topic) {
      var item = document.createElement("li");
      item.textContent = topic.title + ": " + topic.right + " of " + topic.total;
      table.appendChild(item);
    });
    box.appendChild(table);
  }

  function showExamReview(form, state) {
    $$(form, ".dn-q").forEach(function (q) {
      showFeedback(q, state.exam.chosen[q.getAttribute("data-qid")] || []);
    });
    form.classList.add("dn-quiz--submitted");
    $(form, ".dn-exam__retake").hidden = false;
    $(form, ".dn-exam__submit").hidden = true;
    examResult(form, state);
  }

  function initExam(form) {
    var state = load();
    $$(form, ".dn-q").forEach(function (q) {
      var chosen = state.exam.chosen[q.getAttribute("data-qid")];
      if (chosen) setChosen(q, chosen);
    });
    if (state.exam.submitted) showExamReview(form, state);

    form.addEventListener("change", function (event) {
      var q = event.target.closest(".dn-q");
      if (!q || form.classList.contains("dn-quiz--submitted")) return;
      var qid = q.getAttribute("data-qid");
      var chosen = chosenOf(q);
      update(function (s) {
        if (chosen.length) s.exam.chosen[qid] = chosen;
        else delete s.exam.chosen[qid];
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.classList.contains("dn-quiz--submitted")) return;
      var questions = $$(form, ".dn-q");
      var unanswered = questions.filter(function (q) {
        return chosenOf(q).length === 0;
      });
      var box = $(form, ".dn-exam__result");
      if (unanswered.length) {
        box.textContent = "";
        var p = document.createElement("p");
        p.textContent =
          unanswered.length + (unanswered.length === 1 ? " question is" : " questions are") +
          " not answered yet: ";
        unanswered.slice(0, 10).forEach(function (q, i) {
          var a = document.createElement("a");
          a.href = "#" + q.id;
          a.textContent = $(q, ".dn-q__number").textContent;
          if (i) p.appendChild(document.createTextNode(", "));
          p.appendChild(a);
        });
        if (unanswered.length > 10) p.appendChild(document.createTextNode(", …"));
        box.appendChild(p);
        return;
      }
      var saved = update(function (s) {
        s.exam.submitted = true;
        questions.forEach(function (q) {
          var qid = q.getAttribute("data-qid");
          var chosen = chosenOf(q);
          s.exam.chosen[qid] = chosen;
          s.answers[qid] = { chosen: chosen, checked: true, correct: sameLetters(chosen, answerOf(q)) };
        });
      });
      showExamReview(form, saved);
      box.focus();
    });

    $(form, ".dn-exam__retake").addEventListener("click", function () {
      update(function (s) {
        s.exam = { chosen: {}, submitted: false };
      });
      $$(form, ".dn-q").forEach(function (q) {
        clearFeedback(q);
        setChosen(q, []);
      });
      form.classList.remove("dn-quiz--submitted");
      $(form, ".dn-exam__retake").hidden = true;
      $(form, ".dn-exam__submit").hidden = false;
      $(form, ".dn-exam__result").textContent = "";
      inputs($(form, ".dn-q"))[0].focus();
    });
  }

  /* ------------------------------------------------------------ progress */

  function renderProgress(box) {
    var topics;
    try {
      topics = JSON.parse(box.getAttribute("data-dn-progress") || "[]");
    } catch (e) {
      return;
    }
    var state = load();
    var total = 0;
    var totalRight = 0;
    var totalChecked = 0;
    var listEl = document.createElement("ul");
    listEl.className = "dn-progress__list";
    topics.forEach(function (topic) {
      var right = 0;
      var checked = 0;
      topic.ids.forEach(function (id) {
        var entry = state.answers[id];
        if (entry && entry.checked) {
          checked += 1;
          if (entry.correct) right += 1;
        }
      });
      total += topic.ids.length;
      totalRight += right;
      totalChecked += checked;
      var item = document.createElement("li");
      item.className = "dn-progress__topic";
      var link = document.createElement("a");
      link.href = topic.href;
      link.textContent = topic.title;
      var bar = document.createElement("progress");
      bar.max = topic.ids.length;
      bar.value = right;
      bar.setAttribute("aria-label", topic.title + ": " + right + " of " + topic.ids.length + " correct");
      var count = document.createElement("span");
      count.className = "dn-progress__count";
      count.textContent = right + " / " + topic.ids.length;
      item.appendChild(link);
      item.appendChild(bar);
      item.appendChild(count);
      listEl.appendChild(item);
    });
    box.textContent = "";
    var head = document.createElement("p");
    head.className = "dn-progress__total";
    head.textContent = totalChecked
      ? "Correct so far: " + totalRight + " of " + total + " questions (" + totalChecked +
        " checked)."
      : "No answers yet: each topic ends with a quiz, and the Quiz page has all " + total +
        " questions.";
    box.appendChild(head);
    var predictions = state.predictions ? Object.keys(state.predictions) : [];
    if (predictions.length) {
      var settled = predictions.filter(function (n) { return state.predictions[n].outcome; });
      var confirmed = settled.filter(function (n) { return state.predictions[n].confirmed; });
      var line = document.createElement("p");
      line.className = "dn-progress__predictions";
      line.textContent = "Predictions before running a demo: " + predictions.length + " made, " +
        confirmed.length + " of " + settled.length + " confirmed by the run.";
      box.appendChild(line);
    }
    box.appendChild(listEl);
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button dn-progress__reset";
    reset.textContent = "Reset all my answers";
    var notice = document.createElement("p");
    notice.className = "dn-progress__notice";
    notice.setAttribute("role", "status");
    notice.setAttribute("aria-live", "polite");
    var armed = null;
    reset.addEventListener("click", function () {
      if (!armed) {
        reset.textContent = "Press again to erase every saved answer";
        notice.textContent = "Press the button again within 6 seconds to erase all your quiz answers.";
        armed = window.setTimeout(function () {
          armed = null;
          reset.textContent = "Reset all my answers";
          notice.textContent = "";
        }, 6000);
        return;
      }
      window.clearTimeout(armed);
      armed = null;
      save(emptyState());
      renderProgress(box);
      var again = $(box, ".dn-progress__notice");
      if (again) again.textContent = "All your quiz answers were erased.";
      var button = $(box, ".dn-progress__reset");
      if (button) button.focus();
    });
    box.appendChild(reset);
    box.appendChild(notice);
  }

  /* ------------------------------------------------------------ start */

  function init(root) {
    $$(root, ".dn-quiz[data-dn-quiz]").forEach(function (block) {
      if (block.hasAttribute("data-dn-ready")) return;
      block.setAttribute("data-dn-ready", "");
      try {
        if (block.getAttribute("data-dn-quiz") === "exam") initExam(block);
        else initTopic(block);
      } catch (e) {
        if (window.console) console.error("deepnotes quiz:", e);
      }
    });
    $$(root, ".dn-progress").forEach(function (box) {
      try {
        renderProgress(box);
      } catch (e) {
        if (window.console) console.error("deepnotes quiz progress:", e);
      }
    });
  }

  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    $$(document, ".dn-progress").forEach(renderProgress);
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      init(document);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
