// Read iCalendar texts (a JSON list on stdin) with ical.js, as Thunderbird's calendar does,
// and print each VEVENT's start and end in UTC (a JSON list on stdout).
import ICAL from "ical.js";

function utc(time) {
  // toUnixTime() goes through the VTIMEZONE the calendar itself carries.
  return new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

function read(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  return root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      start: utc(event.startDate),
      end: utc(event.endDate),
    };
  });
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map(read)));
});
