"""Tests of liaison-docx: a package, so that its conftest and modules never shadow the core's or
liaison-ical's when one pytest run collects all three test folders."""
