"""The app's pages (Streamlit runs each file as a script: sim/app/main.py)."""
