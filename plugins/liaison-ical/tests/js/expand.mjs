// Parse iCalendar documents with Mozilla's ical.js and print, as JSON, what it understood.
// Input (stdin): a JSON array of .ics documents as strings.
// Output (stdout): a JSON array, one object per document; a parse error becomes {"error": "..."}.
// Times are reported as Unix seconds (timed events, resolved through the document's VTIMEZONE)
// or as "YYYY-MM-DD" (all-day events).
import ICAL from "ical.js";

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function when(time) {
  if (time.isDate) {
    return time.toString();
  }
  if (time.zone === ICAL.Timezone.localTimezone) {
    throw new Error(`floating or unresolved time ${time.toString()}`);
  }
  return time.toUnixTime();
}

// A calendar-level duration property as ical.js reads it: its value type and length in seconds
// (an X- property is text to ical.js, so its text is parsed as a duration here), or null if absent.
function duration(prop) {
  if (prop === null) return null;
  const value = prop.getFirstValue();
  const parsed = typeof value === "string" ? ICAL.Duration.fromString(value) : value;
  return { type: prop.type, seconds: parsed.toSeconds() };
}

function describe(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== "vcalendar") throw new Error(`root component is ${root.name}`);
  const tzids = [];
  const vtimezones = root.getAllSubcomponents("vtimezone");
  for (const vtz of vtimezones) {
    const tz = new ICAL.Timezone(vtz);
    ICAL.TimezoneService.register(tz, tz.tzid);
    tzids.push({
      tzid: tz.tzid,
      standard: vtz.getAllSubcomponents("standard").length,
      daylight: vtz.getAllSubcomponents("daylight").length,
      rdate: vtz.getAllSubcomponents().some((c) => c.hasProperty("rdate")),
    });
  }
  const events = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const categories = [];
    for (const prop of vevent.getAllProperties("categories")) categories.push(...prop.getValues());
    const occurrences = [];
    const it = event.iterator();
    for (let next = it.next(), n = 0; next && n < 1000; next = it.next(), n++) {
      const details = event.getOccurrenceDetails(next);
      occurrences.push({ start: when(details.startDate), end: when(details.endDate) });
    }
    events.push({
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      summary: event.summary,
      description: event.description,
      location: event.location,
      categories,
      engagement: vevent.getFirstPropertyValue("x-liaison-engagement"),
      all_day: event.startDate.isDate,
      tzid: event.startDate.isDate ? null : vevent.getFirstProperty("dtstart").getParameter("tzid"),
      attendees: event.attendees.length,
      alarms: vevent.getAllSubcomponents("valarm").map((a) => ({
        action: a.getFirstPropertyValue("action"),
        trigger_seconds: a.getFirstPropertyValue("trigger").toSeconds(),
      })),
      occurrences,
    });
  }
  return {
    refresh_interval: duration(root.getFirstProperty("refresh-interval")),
    published_ttl: duration(root.getFirstProperty("x-published-ttl")),
    name: root.getFirstPropertyValue("name"),
    x_wr_calname: root.getFirstPropertyValue("x-wr-calname"),
    timezone: root.getFirstPropertyValue("x-wr-timezone"),
    method: root.getFirstPropertyValue("method"),
    vtimezones: tzids,
    events,
  };
}

const docs = JSON.parse(await readStdin());
const out = docs.map((text) => {
  try {
    return describe(text);
  } catch (err) {
    return { error: String(err && err.stack ? err.stack : err) };
  }
});
process.stdout.write(JSON.stringify(out));
