package dev.cartrescue.testkit.chatwoot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The stand-in's inbox as an advisor sees it: newest conversation first, each with the contact,
 * labels, team, the private notes (the cart) and the customer's messages. No external assets; the
 * page draws itself from {@code /_standin/conversations.json} every 2 s. Stable hooks for browser
 * tests: {@code .conversation[data-conversation-id]}, {@code .contact-name}, {@code
 * .contact-phone}, {@code .label}, {@code .team}, {@code .note[data-handoff-id]}, {@code
 * .incoming}.
 */
final class AdvisorPage {
  /**
   * The line the cart-rescue connector ends its notes with; the page shows the hand-off's id from
   * it.
   */
  static final String MARKER_PREFIX = "cart-rescue-handoff: ";

  private AdvisorPage() {}

  static ObjectNode json(List<StandInConversation> oldestFirst, String teamName) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode root = nodes.objectNode();
    root.put("count", oldestFirst.size());
    ArrayNode list = root.putArray("conversations");
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      StandInConversation c = oldestFirst.get(i);
      ObjectNode node = list.addObject();
      node.put("id", c.id());
      node.put("status", c.status());
      node.put("inbox_id", c.inboxId());
      node.put("created_at", c.createdAt().toString());
      ObjectNode contact = node.putObject("contact");
      contact.put("id", c.contact().id());
      contact.put("name", c.contact().name());
      contact.put("phone_number", c.contact().phoneNumber());
      contact.put("identifier", c.contact().identifier());
      if (c.teamId() == 0) {
        node.putNull("team");
      } else {
        node.putObject("team").put("id", c.teamId()).put("name", teamName);
      }
      ArrayNode labels = node.putArray("labels");
      c.labels().forEach(labels::add);
      ArrayNode messages = node.putArray("messages");
      for (StandInMessage m : c.messages()) {
        ObjectNode message = messages.addObject();
        message.put("id", m.id());
        message.put("kind", m.isNote() ? "note" : m.messageType() == 0 ? "incoming" : "outgoing");
        message.put("content", m.content());
        message.put("created_at", m.createdAt().toString());
        message.put("handoff_id", m.handoffId());
      }
    }
    return root;
  }

  static String handoffId(String content) {
    for (String line : content.split("\\R")) {
      if (line.startsWith(MARKER_PREFIX)) {
        return line.substring(MARKER_PREFIX.length()).strip();
      }
    }
    return null;
  }

  /** The page, with the data of now in it so that it shows at once, then refreshed by script. */
  static String html(ObjectNode data) {
    // "</" cannot end the script early: JSON allows "<\/".
    String initial = data.toString().replace("</", "<\\/");
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <title>Chatwoot stand-in: advisor inbox</title>
        <style>
        body{font-family:system-ui,sans-serif;background:#f4f6fb;margin:0;padding:1em;color:#1f2d3d}
        h1{font-size:1.2em;color:#1f93ff}
        .conversation{background:#fff;border-radius:.5em;padding:.8em 1em;margin:0 0 1em;
          max-width:46em;box-shadow:0 1px 2px #0002}
        .head{display:flex;gap:.8em;align-items:baseline;flex-wrap:wrap}
        .contact-name{font-weight:600}.contact-phone,.status{color:#6b7c93;font-size:.9em}
        .label{background:#e0f0ff;color:#1f5fa0;border-radius:1em;padding:0 .6em;font-size:.8em}
        .team{background:#eee;border-radius:.3em;padding:0 .4em;font-size:.8em}
        .note{background:#fff8dc;border-left:3px solid #f5a623;padding:.5em .8em;margin:.6em 0;
          white-space:pre-wrap}
        .incoming{background:#f1f3f6;border-radius:.6em;padding:.4em .8em;margin:.4em 0;
          max-width:30em;white-space:pre-wrap}
        .outgoing{background:#dcf0ff;border-radius:.6em;padding:.4em .8em;margin:.4em 0 .4em 8em;
          white-space:pre-wrap}
        .when{color:#8a99ad;font-size:.75em}
        </style></head><body>
        <h1>Advisor inbox (Chatwoot stand-in)</h1>
        <p id="summary"></p>
        <div id="conversations"></div>
        <script id="initial" type="application/json">"""
        + initial
        + """
        </script>
        <script>
        function el(tag, cls, text){const e=document.createElement(tag);
          if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
        function draw(data){
          document.getElementById('summary').textContent=data.count+' conversation(s), newest first.';
          const list=document.getElementById('conversations');list.replaceChildren();
          for(const c of data.conversations){
            const box=el('div','conversation');box.dataset.conversationId=c.id;
            const head=el('div','head');
            head.append(el('span','contact-name',c.contact.name||'(no name)'),
              el('span','contact-phone',c.contact.phone_number||''),el('span','status',c.status));
            if(c.team){head.append(el('span','team',c.team.name));}
            for(const l of c.labels){head.append(el('span','label',l));}
            box.append(head);
            for(const m of c.messages){
              const b=el('div',m.kind,m.content);
              if(m.handoff_id){b.dataset.handoffId=m.handoff_id;}
              b.append(el('div','when',m.created_at));box.append(b);
            }
            list.append(box);
          }
        }
        draw(JSON.parse(document.getElementById('initial').textContent));
        setInterval(()=>fetch('/_standin/conversations.json',{cache:'no-store'})
          .then(r=>r.json()).then(draw).catch(()=>{}),2000);
        </script></body></html>
        """;
  }
}
