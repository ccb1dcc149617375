"""Teacher: open a class, share its link, watch and steer every learner's runs, measure the class's
own handwriting, export and delete. Guarded by the server's teacher key."""

import streamlit as st

from ui.teacher import guard, inputs, lessons, live, sections

st.title("Teach a class")
if not guard.unlocked():
    st.stop()

top = st.columns([4, 1], vertical_alignment="center")
with top[0]:
    room = inputs.class_picker()
with top[1]:
    guard.lock_button()
sections.done_note()
if room is None:
    st.info("Open your first class above: it gets a short code, a join link and a QR code for the projector.")
    st.stop()

sections.join_panel(room)
sections.leaderboard_switch(room)
live.live_class(room.id)
lessons.lesson_links_section(room)  # send the class to one view

rows = sections.class_runs(room.id)
drawn = sections.class_drawings(room)
st.subheader("Compare the curves of any runs")
sections.curves_section(rows)
st.subheader("Our own test set: the class's drawings")
sections.class_test_set(room, rows, drawn)
st.subheader("Export, close, delete")
sections.exports(room, rows, len(drawn[1]))
with st.expander("Close the class"):
    sections.close_section(room)
with st.expander("Delete one learner's data"):
    sections.delete_section(room)
