"""What a user points speechkit at (files, folders, lists, URLs), turned into documents to process."""
